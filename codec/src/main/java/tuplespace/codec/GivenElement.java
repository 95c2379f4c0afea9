package tuplespace.codec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import tuplespace.tuple.Pair;

/** One element of a PUT/POST list as the client gave it, so that it can be answered back as given. */
public sealed interface GivenElement permits GivenElement.JsonPair, GivenElement.Json, GivenElement.Text {

    /**
     * JSON mode: an element that is a well-formed {@code [key, value]} pair. The pair spells it whole (a list of the
     * key's fields and a list of the value's), so no JSON of it is kept.
     */
    record JsonPair(Pair pair) implements GivenElement {
        public JsonPair {
            Objects.requireNonNull(pair, "pair");
        }
    }

    /** JSON mode: an element of {@code "pairs"} that is not a well-formed pair, whatever it holds. */
    record Json(JsonNode element) implements GivenElement {
        public Json {
            Objects.requireNonNull(element, "element");
        }
    }

    /** Text mode: the key token and the value token, unquoted. */
    record Text(String keyToken, String valueToken) implements GivenElement {
        public Text {
            Objects.requireNonNull(keyToken, "keyToken");
            Objects.requireNonNull(valueToken, "valueToken");
        }
    }
}
