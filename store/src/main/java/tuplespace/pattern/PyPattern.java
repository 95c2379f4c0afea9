package tuplespace.pattern;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A compiled Python-syntax regular expression, matched in full-match mode (docs/protocol.md "The data":
 * {@code re.fullmatch(keyexp, text)}). Immutable, thread-safe. Built by parsing the pattern as CPython 3.11
 * would and translating it to java.util.regex (docs/python-regex.md); matching is bounded by a
 * {@link MatchBudget}.
 */
public final class PyPattern {
    /** Longer patterns are refused with {@link PatternException.Kind#TOO_LONG}. */
    public static final int MAX_PATTERN_LENGTH = 4096;

    private static final int JAVA_FLAGS = Pattern.UNICODE_CHARACTER_CLASS | Pattern.UNIX_LINES;
    private static final PatternCache CACHE = new PatternCache(1024);

    private final String source;
    private final Pattern javaPattern;
    private final Optional<String> literal;
    private final String literalPrefix;
    private final List<String> notes;
    /** The fewest and most code points a full match can have (Python's getwidth(); MAXREPEAT: no bound). */
    private final PatternNode.Width width;
    /**
     * The pattern is {@code .*}: it fully matches exactly the texts without a line break ({@code .} takes any
     * character but {@code \n}), which needs no regex engine. It is the value pattern of nearly every exact GET, where
     * making and resetting a Java matcher for it was a fifth of the primary's CPU.
     */
    private final boolean anyLine;

    private PyPattern(String source, Pattern javaPattern, PatternNode root, List<String> notes) {
        this.source = source;
        this.javaPattern = javaPattern;
        this.literal = LiteralAnalysis.literal(root);
        this.literalPrefix = literal.orElseGet(() -> LiteralAnalysis.prefix(root));
        this.notes = List.copyOf(notes);
        this.width = Widths.of(root);
        this.anyLine = source.equals(".*");
    }

    /** Compiles {@code source} as Python 3.11 {@code re} would. Results (and refusals) are cached. */
    public static PyPattern compile(String source) throws PatternException {
        Objects.requireNonNull(source, "source");
        PatternCache.Outcome cached = CACHE.get(source);
        if (cached == null) {
            cached = compileUncached(source);
            CACHE.put(source, cached);
        }
        if (cached.refusal() != null) {
            throw cached.refusal().copy(source);
        }
        return cached.pattern();
    }

    private static PatternCache.Outcome compileUncached(String source) {
        try {
            return new PatternCache.Outcome(build(source), null);
        } catch (PatternException refusal) {
            return new PatternCache.Outcome(null, refusal);
        }
    }

    private static PyPattern build(String source) throws PatternException {
        if (source.length() > MAX_PATTERN_LENGTH) {
            throw new PatternException(PatternException.Kind.TOO_LONG, "pattern too long: expected at most "
                    + MAX_PATTERN_LENGTH + " characters, found " + source.length(), -1, source);
        }
        PatternParser.Parsed parsed;
        String javaSource;
        try {
            parsed = PatternParser.parse(source);
            javaSource = JavaTranslator.translate(parsed, source);
        } catch (StackOverflowError deep) {
            throw PatternException.unsupported("pattern nested too deeply to translate", source);
        }
        try {
            return new PyPattern(source, Pattern.compile(javaSource, JAVA_FLAGS), parsed.root(),
                    parsed.state().notes());
        } catch (PatternSyntaxException javaRefusal) {
            // Python accepted it (we validated first), so this is a gap of ours, e.g. a backreference in a lookbehind.
            throw PatternException.unsupported("java.util.regex cannot express this pattern: "
                    + javaRefusal.getDescription(), source);
        } catch (StackOverflowError deep) {
            throw PatternException.unsupported("pattern nested too deeply to compile", source);
        }
    }

    public String source() {
        return source;
    }

    /**
     * True for {@code .*}, which fully matches every text without a line break: a caller whose text cannot hold one
     * knows the answer without matching.
     */
    public boolean matchesAnyLine() {
        return anyLine;
    }

    /**
     * True when Python's {@code re.fullmatch(source, subject)} would match. Throws
     * {@link MatchBudgetExceededException} when the match of this one text runs past the budget's match budget, or
     * the request past its request limit, or the Java matcher overflows its stack (deep backtracking on a long
     * text): the caller reports each the same way, by {@link MatchBudgetExceededException#cutOff()}.
     */
    public boolean fullMatches(CharSequence subject, MatchBudget budget) {
        return matcher(budget).fullMatches(subject);
    }

    private static boolean hasNoLineBreak(CharSequence subject) {
        for (int i = 0; i < subject.length(); i++) {
            if (subject.charAt(i) == '\n') {
                return false;
            }
        }
        return true;
    }

    /**
     * A matcher of this pattern within {@code budget}, for many texts one after another on one thread: a scan matches
     * every key of the space, and a Java {@code Matcher} and its arrays made for each text were most of what a large
     * GET allocated. Each text is matched exactly as {@link #fullMatches} would, with a match budget of its own.
     */
    public TextMatcher matcher(MatchBudget budget) {
        return new TextMatcher(Objects.requireNonNull(budget, "budget"));
    }

    /** {@link #fullMatches} for one text after another, reusing one Java matcher. Not thread-safe. */
    public final class TextMatcher {
        private final MatchBudget budget;
        private final DeadlineCharSequence text;
        private final Matcher matcher;

        private TextMatcher(MatchBudget budget) {
            this.budget = budget;
            // .* needs no Java matcher (fullMatches): none is made for it
            this.text = anyLine ? null : new DeadlineCharSequence("", budget);
            this.matcher = anyLine ? null : javaPattern.matcher(text);
        }

        /** {@link PyPattern#fullMatches} of {@code subject}; the matcher keeps no hold on it once it returns. */
        public boolean fullMatches(CharSequence subject) {
            Objects.requireNonNull(subject, "subject");
            budget.textStarted();
            if (anyLine) {
                return hasNoLineBreak(subject);
            }
            if (!lengthCanMatch(subject)) {
                return false;
            }
            text.reset(subject);
            try {
                return matcher.reset(text).matches();
            } catch (StackOverflowError deep) {
                // Recoverable: the stack has unwound by the time we get here (docs/python-regex.md §2).
                throw budget.stackExhausted();
            } finally {
                text.reset("");
            }
        }
    }

    /**
     * False when no full match can have the subject's length. CPython checks the minimum before it matches at all
     * (the INFO block of a compiled pattern) and java.util.regex's {@code matches()} does not, so without this a
     * short subject could cost Java all the backtracking of a nested pattern, and the whole budget, to find that
     * four characters cannot match a pattern that needs five, where Python answers at once. The maximum is the same
     * proof at the other end (Python does not use it): it can only turn a slow "no" into a quick one. Widths count
     * code points, a subject's length UTF-16 units: at least as many, at most twice as many.
     */
    private boolean lengthCanMatch(CharSequence subject) {
        int units = subject.length();
        if (units < width.min() || (units < 2L * width.min() && codePoints(subject) < width.min())) {
            return false;
        }
        return width.max() == PatternNode.MAXREPEAT || units <= width.max() || codePoints(subject) <= width.max();
    }

    private static int codePoints(CharSequence subject) {
        return Character.codePointCount(subject, 0, subject.length());
    }

    /** Some(s) when the only string this pattern can full-match is exactly s; empty otherwise. */
    public Optional<String> literal() {
        return literal;
    }

    /** The longest text every full match starts with; "" when none is known. Sound, never too long. */
    public String literalPrefix() {
        return literalPrefix;
    }

    /**
     * What CPython 3.11 says about this valid pattern as FutureWarnings, in its words and order ("Possible nested
     * set at position 1"): advice for the client, never a reason to doubt a match. Empty for most patterns.
     */
    public List<String> notes() {
        return notes;
    }

    /** The translated java.util.regex source, for diagnostics and tests. */
    String javaSource() {
        return javaPattern.pattern();
    }

    @Override
    public String toString() {
        return "PyPattern[" + source + "]";
    }
}
