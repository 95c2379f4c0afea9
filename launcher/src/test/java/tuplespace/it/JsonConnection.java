package tuplespace.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletableFuture;

/**
 * One client connection in JSON mode, as the tests drive it: requests pipelined, answers matched to requests by
 * order, each request with its own timeout. Over a socket ({@link LineClient}) or a simulated network
 * ({@link SimulatedLineClient}).
 */
interface JsonConnection extends AutoCloseable {

    /** Sends one JSON request; the future completes with the parsed answer or fails (timeout, closed). */
    CompletableFuture<JsonNode> send(JsonNode request);

    /** Sends a request and waits for its answer. */
    default JsonNode call(JsonNode request) {
        return send(request).join();
    }

    @Override
    void close();
}
