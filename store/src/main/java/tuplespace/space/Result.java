package tuplespace.space;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import tuplespace.pattern.CutOff;
import tuplespace.tuple.Pair;

/**
 * What an operation answers (docs/protocol.md "The data"). Every command has a result: {@link TupleSpace#apply} is
 * total.
 */
public sealed interface Result permits Result.Matched, Result.NotUsed {

    /**
     * GET and DELETE: the matching pairs in ascending order of the key's text form.
     *
     * <p>{@code warning} is set only when this is not the full answer: a pattern was malformed or unsupported, or the
     * request was cut off, and the list is empty. {@code note} is advice about patterns that were accepted (CPython's
     * FutureWarnings, e.g. "Possible nested set"): the answer is complete all the same, so a note never turns a valid
     * pattern's answer into an apparent error (docs/protocol.md). {@code cutOff} says, for code, whether and by which
     * bound of the {@link tuplespace.pattern.MatchBudget} the request was cut off: a cut-off answers no pairs, changes
     * nothing, and always has a warning.
     */
    record Matched(List<Pair> pairs, Optional<String> warning, Optional<String> note, CutOff cutOff)
            implements Result {
        public Matched {
            // The store's own list of matches is immutable once handed out, and copying it would make a Pair each.
            pairs = pairs instanceof MatchList ? pairs : List.copyOf(pairs);
            Objects.requireNonNull(warning, "warning");
            Objects.requireNonNull(note, "note");
            Objects.requireNonNull(cutOff, "cutOff");
            if (cutOff != CutOff.NONE && (!pairs.isEmpty() || warning.isEmpty())) {
                throw new IllegalArgumentException("expected a cut-off to answer no pairs and a warning, found "
                        + pairs.size() + " pairs and " + (warning.isEmpty() ? "no warning" : "a warning"));
            }
        }

        /**
         * Every pair's key and value text forms in UTF-8, in order: the arrays the store holds where it has them (read
         * only), so an answer is written from the stored bytes without decoding them.
         */
        public void forEachUtf8(Utf8Pairs each) {
            if (pairs instanceof MatchList matches) {
                matches.forEachUtf8(each);
                return;
            }
            for (Pair pair : pairs) {
                each.accept(pair.key().utf8(), pair.value().utf8());
            }
        }

        /** The UTF-8 bytes of every key's and value's text form, summed: to size an answer before writing it. */
        public long textBytes() {
            if (pairs instanceof MatchList matches) {
                return matches.textBytes();
            }
            long bytes = 0;
            for (Pair pair : pairs) {
                bytes += pair.key().text().length() + pair.value().text().length(); // ASCII: bytes; else a guess
            }
            return bytes;
        }

        public static Matched of(List<Pair> pairs) {
            return of(pairs, Optional.empty());
        }

        /** The full answer, with the note on its patterns if there is one. */
        public static Matched of(List<Pair> pairs, Optional<String> note) {
            return new Matched(pairs, Optional.empty(), note, CutOff.NONE);
        }

        /** No pairs, because of what {@code warning} says (a refused pattern); not a cut-off. */
        public static Matched warning(String warning) {
            return new Matched(List.of(), Optional.of(warning), Optional.empty(), CutOff.NONE);
        }

        /** No pairs, because the request was cut off by {@code cutOff}, which {@code warning} explains. */
        public static Matched cutOff(CutOff cutOff, String warning) {
            if (cutOff == CutOff.NONE) {
                throw new IllegalArgumentException("expected the bound that cut the request off, found NONE");
            }
            return new Matched(List.of(), Optional.of(warning), Optional.empty(), cutOff);
        }
    }

    /** Receives one pair's key and value text forms in UTF-8; the arrays are read only. */
    @FunctionalInterface
    public interface Utf8Pairs {
        void accept(byte[] keyUtf8, byte[] valueUtf8);
    }

    /** PUT and POST: the positions in the given list of the elements that were not used, ascending. */
    record NotUsed(List<Integer> positions) implements Result {
        public NotUsed {
            positions = List.copyOf(positions);
        }
    }
}
