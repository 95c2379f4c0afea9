package tuplespace.codec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/** One element of a PUT/POST list exactly as the client wrote it, so that it can be answered back as given. */
public sealed interface GivenElement permits GivenElement.Json, GivenElement.Text {

    /** JSON mode: the element of {@code "pairs"}, whatever it holds. */
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
