package tuplespace.codec;

/**
 * Parses one request line of the client protocol (SPEC §2) into a {@link ParsedRequest}. Total: it never throws,
 * whatever the line holds; a line that is not a request is an {@link ParsedRequest.Invalid} whose error says what
 * was expected and what was found.
 *
 * <p>The line may still carry its terminator ({@code \n} or {@code \r\n}) and a leading byte order mark; both are
 * ignored. JSON or text mode is decided by {@link Format#of}.
 */
public final class Requests {

    private Requests() {
    }

    public static ParsedRequest parse(String line) {
        String content = Lines.strip(line);
        return Format.of(content) == Format.JSON ? JsonRequests.parse(content) : TextRequests.parse(content);
    }
}
