package tuplespace.tuple;

import java.util.Objects;

/** A key and its value. */
public record Pair(Tuple key, Tuple value) {

    public Pair {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    public static Pair of(String keyText, String valueText) {
        return new Pair(Tuple.parse(keyText), Tuple.parse(valueText));
    }

    @Override
    public String toString() {
        return key.text() + " " + value.text();
    }
}
