package tuplespace.codec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import tuplespace.space.Command;

/**
 * One request line, parsed by {@link Requests#parse}: either a command for the space or the reason it is not one.
 * Both carry the line's {@link Format} and its {@code id} (JSON mode only; {@code null} when absent or not
 * recoverable, a {@code NullNode} when the request said {@code "id":null}), so the answer can be written in the
 * same mode with the id echoed unchanged.
 */
public sealed interface ParsedRequest permits ParsedRequest.Valid, ParsedRequest.Invalid {

    Format format();

    /** The request's id as given (a JSON scalar), or {@code null} when it had none. */
    JsonNode id();

    /**
     * A well-formed request. {@code given} holds, for PUT and POST, every element of the list as the client wrote
     * it (index i is slot i of {@code Command.Put/Post.pairs()}), so that unused elements are answered back as
     * given; it is empty for GET and DELETE.
     */
    record Valid(Command command, Format format, JsonNode id, List<GivenElement> given) implements ParsedRequest {
        public Valid {
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(format, "format");
            given = List.copyOf(given);
            int slots = slotCount(command);
            if (given.size() != slots) {
                throw new IllegalArgumentException("expected " + slots + " given elements for " + command
                        + ", found " + given.size());
            }
        }

        private static int slotCount(Command command) {
            if (command instanceof Command.Put put) {
                return put.pairs().size();
            }
            if (command instanceof Command.Post post) {
                return post.pairs().size();
            }
            return 0;
        }
    }

    /**
     * A request that is not a command: {@code status} is {@link Status#MALFORMED} or {@link Status#NOT_IMPLEMENTED},
     * {@code error} says what was expected and what was found.
     */
    record Invalid(Status status, String error, Format format, JsonNode id) implements ParsedRequest {
        public Invalid {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(format, "format");
            if (status == Status.OK) {
                throw new IllegalArgumentException("expected an error status for an invalid request, found ok");
            }
        }
    }
}
