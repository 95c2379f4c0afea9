package tuplespace.pattern;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A compiled Python-syntax regular expression, matched in full-match mode (SPEC §1:
 * {@code re.fullmatch(keyexp, text)}). Immutable, thread-safe. Built by parsing the pattern as CPython 3.11
 * would and translating it to java.util.regex (notes §2.3, design (a)); matching is bounded by a
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
    private final List<String> warnings;

    private PyPattern(String source, Pattern javaPattern, PatternNode root, List<String> warnings) {
        this.source = source;
        this.javaPattern = javaPattern;
        this.literal = LiteralAnalysis.literal(root);
        this.literalPrefix = literal.orElseGet(() -> LiteralAnalysis.prefix(root));
        this.warnings = List.copyOf(warnings);
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
                    parsed.state().warnings());
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
     * True when Python's {@code re.fullmatch(source, subject)} would match. Throws
     * {@link MatchBudgetExceededException} when the match of this one text runs past the budget's match budget, or
     * the request past its request limit, or the Java matcher overflows its stack (deep backtracking on a long
     * text): the caller reports each the same way, by {@link MatchBudgetExceededException#cutOff()}.
     */
    public boolean fullMatches(CharSequence subject, MatchBudget budget) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(budget, "budget");
        budget.textStarted();
        try {
            return javaPattern.matcher(new DeadlineCharSequence(subject, budget)).matches();
        } catch (StackOverflowError deep) {
            // Recoverable: the stack has unwound by the time we get here (notes §2.2).
            throw budget.stackExhausted();
        }
    }

    /** Some(s) when the only string this pattern can full-match is exactly s; empty otherwise. */
    public Optional<String> literal() {
        return literal;
    }

    /** The longest text every full match starts with; "" when none is known. Sound, never too long. */
    public String literalPrefix() {
        return literalPrefix;
    }

    /** Warnings Python would print for this pattern (FutureWarning "Possible nested set at position 1"). */
    public List<String> warnings() {
        return warnings;
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
