package tuplespace.codec;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Parses one request line of the client protocol (docs/protocol.md) into a {@link ParsedRequest}. Total: it never
 * throws, whatever the line holds; a line that is not a request is an {@link ParsedRequest.Invalid} whose error says
 * what was expected and what was found.
 *
 * <p>The line may still carry its terminator ({@code \n} or {@code \r\n}) and a leading byte order mark; both are
 * ignored. JSON or text mode is decided by {@link Format#of}.
 */
public final class Requests {

    private Requests() {
    }

    public static ParsedRequest parse(String line) {
        String content = Lines.strip(line);
        return Format.of(content) == Format.JSON ? JsonRequests.parseTree(content) : TextRequests.parse(content);
    }

    /**
     * Why the readable bytes of {@code line} are not UTF-8, naming the first byte that is not ("expected a request line
     * in UTF-8, found the byte 0xFF at byte 1 of the line, ..."); empty when they are.
     */
    public static Optional<String> notUtf8(ByteBuf line) {
        return Lines.notUtf8(line);
    }

    /**
     * The same parse of a request line given as its UTF-8 bytes (the readable bytes of {@code line}, which is neither
     * changed nor released): a JSON request is read from the bytes, with no {@code String} of the whole line unless it
     * is not a valid request; a text-mode line is decoded, and so is a JSON line whose error has to be explained. A
     * line that is not UTF-8 is malformed, and the error names the first byte that is not (decoded leniently, it would
     * have been a field with U+FFFD in it, and the answer would have shown that character instead).
     */
    public static ParsedRequest parse(ByteBuf line) {
        ByteBuf content = Lines.strip(line);
        if (Format.of(content) == Format.JSON) {
            return JsonRequests.parse(content);
        }
        return Lines.notUtf8(content)
                .<ParsedRequest>map(error -> new ParsedRequest.Invalid(Status.MALFORMED, error, Format.TEXT, null))
                .orElseGet(() -> TextRequests.parse(content.toString(StandardCharsets.UTF_8)));
    }
}
