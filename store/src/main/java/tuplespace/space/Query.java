package tuplespace.space;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import tuplespace.pattern.CutOff;
import tuplespace.pattern.MatchBudgetExceededException;
import tuplespace.pattern.MatchBudget;
import tuplespace.pattern.PatternException;
import tuplespace.pattern.PatternNotes;
import tuplespace.pattern.PyPattern;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/**
 * The read half of GET and DELETE, one implementation for the live space and its snapshots: the two patterns
 * compiled, the candidates they can match (one key, one range of keys, or all of them) and the matching of each.
 * Immutable, so any thread may use one; the pairs it reads are a {@link TreeView} the caller may read.
 *
 * <p>A key pattern of letters, digits and commas only is a literal in Python's {@code re} (none of them is special
 * outside an escape, and flags need a group), so its only full match is itself and it needs no compiling: one lookup.
 * Compiling it would cost more than the rest of the request, and distinct keys would churn the pattern cache. A
 * compiled key pattern whose only match is one string is one lookup too; one whose matches all start with a literal
 * prefix is one range. Keys are matched in place ({@link AsciiSubject}); strings, {@link Pair}s and {@link Tuple}s
 * are made only for a value whose key matched and for what an answer returns.
 */
final class Query {

    /** Longer patterns are shortened in a cut-off's warning. */
    private static final int SHOWN_PATTERN_CODE_POINTS = 100;

    private final String keyexp;
    private final String valexp;
    /** Why a pattern was refused, or null. Then nothing else is set. */
    private final String refusal;
    /** Null for a plain literal key pattern, whose only match is {@link #literalKey}. */
    private final PyPattern keyPattern;
    private final PyPattern valuePattern;
    /** The one key the key pattern can match, or null. */
    private final byte[] literalKey;
    /** What every key the key pattern matches starts with (empty: anything), when there is no literal key. */
    private final byte[] keyPrefix;
    /** No key can match the key pattern: what every match starts with holds U+0000, which no key does. */
    private final boolean matchesNoKey;
    /** Advice of the pattern engine on the patterns it accepted (CPython's FutureWarnings): the answer's note. */
    private final Optional<String> note;

    private Query(String keyexp, String valexp, String refusal, PyPattern keyPattern, PyPattern valuePattern,
            byte[] literalKey, byte[] keyPrefix, boolean matchesNoKey) {
        this.keyexp = keyexp;
        this.valexp = valexp;
        this.refusal = refusal;
        this.keyPattern = keyPattern;
        this.valuePattern = valuePattern;
        this.literalKey = literalKey;
        this.keyPrefix = keyPrefix;
        this.matchesNoKey = matchesNoKey;
        this.note = refusal != null ? Optional.empty()
                : keyPattern == null ? PatternNotes.ofValuePattern(valuePattern) : PatternNotes.of(keyPattern, valuePattern);
    }

    /** The query of a GET or DELETE; one that refuses a pattern answers every question with the refusal's warning. */
    static Query of(String keyexp, String valexp) {
        PyPattern valuePattern;
        PyPattern keyPattern = null;
        try {
            if (!isPlainLiteral(keyexp)) {
                keyPattern = compile("keyexp", keyexp);
            }
            valuePattern = compile("valexp", valexp);
        } catch (Refused refused) {
            return new Query(keyexp, valexp, refused.getMessage(), null, null, null, null, false);
        }
        if (keyPattern == null) {
            return new Query(keyexp, valexp, null, null, valuePattern, StoredPairs.utf8(keyexp), null, false);
        }
        // Every match starts with the literal prefix (the literal, when there is one); a key never holds U+0000, nor
        // does the tree take a zero byte (ByteTree): a prefix that holds it matches no key, and is never looked up.
        String prefix = keyPattern.literalPrefix();
        if (prefix.indexOf('\0') >= 0) {
            return new Query(keyexp, valexp, null, keyPattern, valuePattern, null, null, true);
        }
        return new Query(keyexp, valexp, null, keyPattern, valuePattern,
                keyPattern.literal().map(StoredPairs::utf8).orElse(null), StoredPairs.utf8(prefix), false);
    }

    /**
     * True when {@code keyexp} is non-empty, within {@link PyPattern#MAX_PATTERN_LENGTH} (a longer one must be
     * refused as too long) and made of tuple-alphanumeric code points and commas only.
     */
    static boolean isPlainLiteral(String keyexp) {
        if (keyexp.isEmpty() || keyexp.length() > PyPattern.MAX_PATTERN_LENGTH) {
            return false;
        }
        for (int i = 0; i < keyexp.length(); ) {
            int codePoint = keyexp.codePointAt(i);
            if (codePoint != ',' && !Tuple.isAlphanumeric(codePoint)) {
                return false;
            }
            i += Character.charCount(codePoint);
        }
        return true;
    }

    /** GET on {@code pairs}: every matching pair, in key order, or a warning. */
    Result.Matched find(TreeView pairs, MatchBudget budget) {
        if (refusal != null) {
            return Result.Matched.warning(refusal);
        }
        if (matchesNoKey) {
            return Result.Matched.of(List.of(), note);
        }
        if (keyPattern == null) {
            return findPlainLiteral(pairs, budget);
        }
        Matching matching = new Matching(budget);
        try {
            if (literalKey != null) {
                byte[] value = pairs.get(literalKey);
                if (value != null) {
                    matching.offer(literalKey, value);
                }
            } else {
                TreeCursor candidates = keyPrefix.length == 0 ? pairs.cursor()
                        : pairs.cursor(keyPrefix, true, StoredPairs.afterPrefix(keyPrefix));
                while (candidates.next()) {
                    matching.offer(candidates.key(), candidates.value());
                }
            }
        } catch (MatchBudgetExceededException e) {
            return cutOff(e, matching.keyTurn);
        }
        return Result.Matched.of(matching.found, note);
    }

    /**
     * GET of one exact key, the commonest read: one lookup, and the value matched if the key is there, as bytes; the
     * answer is written from the stored bytes too (no string or tuple made).
     */
    private Result.Matched findPlainLiteral(TreeView pairs, MatchBudget budget) {
        byte[] value = pairs.get(literalKey);
        if (value == null) {
            return Result.Matched.of(List.of(), note);
        }
        try {
            // a stored value is a tuple's text (letters, digits, commas): .* matches it without reading it, and the
            // value pattern of nearly every exact GET is .* (its scan for non-ASCII bytes was 7% of a primary's CPU)
            if (!valuePattern.matchesAnyLine() && !valuePattern.fullMatches(new AsciiSubject().of(value), budget)) {
                return Result.Matched.of(List.of(), note);
            }
        } catch (MatchBudgetExceededException e) {
            return cutOff(e, false);
        }
        MatchList found = new MatchList();
        found.add(literalKey, value); // the stored key's bytes: the literal is the key's text form, and never changed
        return Result.Matched.of(found, note);
    }

    /** The pairs of {@code pairs} under {@code keys} (ascending, present or not) that match, in key order, or a warning. */
    Result.Matched findAmong(TreeView pairs, Collection<byte[]> keys, MatchBudget budget) {
        if (refusal != null) {
            return Result.Matched.warning(refusal);
        }
        if (matchesNoKey) {
            return Result.Matched.of(List.of(), note);
        }
        Matching matching = new Matching(budget);
        try {
            for (byte[] key : keys) {
                byte[] value = pairs.get(key);
                if (value != null) {
                    matching.offer(key, value);
                }
            }
        } catch (MatchBudgetExceededException e) {
            return cutOff(e, matching.keyTurn);
        }
        return Result.Matched.of(matching.found, note);
    }

    /** Matching pairs one by one for one answer, on one thread. */
    private final class Matching {
        final MatchBudget budget;
        final AsciiSubject key = new AsciiSubject();
        final AsciiSubject value = new AsciiSubject();
        /** One Java matcher per pattern for all the texts of the request (null: a literal key, compared as bytes). */
        final PyPattern.TextMatcher keyMatcher;
        final PyPattern.TextMatcher valueMatcher;
        /** What matched so far, as the space stores it (no {@code Pair}s: see {@link MatchList}). */
        List<Pair> found = List.of();
        /** Whether the key pattern is being matched (else the value pattern): what a cut-off warning names. */
        boolean keyTurn;

        Matching(MatchBudget budget) {
            this.budget = budget;
            this.keyMatcher = keyPattern == null ? null : keyPattern.matcher(budget);
            this.valueMatcher = valuePattern.matcher(budget);
        }

        void offer(byte[] key, byte[] value) {
            if (keyPattern == null) {
                if (!Arrays.equals(key, literalKey)) {
                    return;
                }
            } else {
                keyTurn = true;
                if (!keyMatcher.fullMatches(this.key.of(key))) {
                    return;
                }
            }
            keyTurn = false;
            if (valueMatcher.fullMatches(this.value.of(value))) {
                if (!(found instanceof MatchList)) {
                    found = new MatchList();
                }
                ((MatchList) found).add(key, value);
            }
        }
    }

    private Result.Matched cutOff(MatchBudgetExceededException e, boolean onKey) {
        if (e.cutOff() == CutOff.REQUEST_CPU_LIMIT) {
            return Result.Matched.cutOff(CutOff.REQUEST_CPU_LIMIT, "request too large: " + e.getMessage()
                    + "; narrow the key pattern: one that starts with a literal key prefix (e.g. user,42,.*) is"
                    + " answered from the index, matching only the keys with that prefix");
        }
        String which = onKey ? "keyexp" : "valexp";
        return Result.Matched.cutOff(CutOff.MATCH_BUDGET, which + " " + shown(onKey ? keyexp : valexp) + " "
                + e.getMessage() + "; fix the pattern: repeats that can match the same text in more than one way, as"
                + " (a|aa)+ or (a*)*, are tried in exponentially many ways");
    }

    /** A pattern as a warning shows it: quoted, and shortened when very long. */
    private static String shown(String pattern) {
        int codePoints = pattern.codePointCount(0, pattern.length());
        if (codePoints <= SHOWN_PATTERN_CODE_POINTS) {
            return "'" + pattern + "'";
        }
        return "'" + pattern.substring(0, pattern.offsetByCodePoints(0, SHOWN_PATTERN_CODE_POINTS)) + "...' ("
                + codePoints + " characters)";
    }


    private static PyPattern compile(String which, String pattern) throws Refused {
        try {
            return PyPattern.compile(pattern);
        } catch (PatternException e) {
            throw new Refused(switch (e.kind()) {
                case INVALID -> which + " is not a valid Python regular expression: " + e.getMessage();
                case UNSUPPORTED -> which + " uses a construct this service does not support: " + e.getMessage();
                case TOO_LONG -> which + " is too long: " + e.getMessage();
            });
        }
    }

    /** A refused pattern, with the warning that says so. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String warning) {
            super(warning, null, false, false);
        }
    }
}
