package tuplespace.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import tuplespace.tuple.Pair;

/**
 * An {@code ok} answer (SPEC §1): for GET and DELETE the matching pairs in ascending key order, for PUT and POST
 * the pairs that were not used, as given. {@code warning} says why a GET or DELETE found nothing when a pattern
 * was malformed or too costly.
 */
public record Answer(List<Pair> pairs, Optional<String> warning) {

    public Answer {
        pairs = List.copyOf(pairs);
        Objects.requireNonNull(warning, "warning");
    }
}
