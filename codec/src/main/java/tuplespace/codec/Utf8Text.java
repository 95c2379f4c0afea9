package tuplespace.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Text kept as its UTF-8 bytes. What a node remembers of an answer it sent (for exactly-once), replicates and logs: the
 * bytes the answer was written as, copied, never decoded to a {@code String} only to be encoded again. Immutable;
 * equal when the bytes are; {@link #toString()} decodes them.
 */
public final class Utf8Text {

    private final byte[] bytes;

    private Utf8Text(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Utf8Text of(String text) {
        return new Utf8Text(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A copy of the readable bytes of {@code buffer}, whose indices do not move. */
    public static Utf8Text copyOf(ByteBuf buffer) {
        return new Utf8Text(ByteBufUtil.getBytes(buffer));
    }

    /** Text these bytes encode; the array becomes the text's own: the caller must not change it afterwards. */
    public static Utf8Text wrap(byte[] utf8) {
        return new Utf8Text(utf8);
    }

    /** The next {@code length} bytes of {@code in}, read. */
    public static Utf8Text read(ByteBuf in, int length) {
        byte[] bytes = new byte[length];
        in.readBytes(bytes);
        return new Utf8Text(bytes);
    }

    /** How many bytes. */
    public int length() {
        return bytes.length;
    }

    /** Writes the bytes to {@code out}. */
    public void writeTo(ByteBuf out) {
        out.writeBytes(bytes);
    }

    /** A new buffer of {@code allocator} holding the bytes (the caller releases it). */
    public ByteBuf toBuffer(ByteBufAllocator allocator) {
        return allocator.buffer(bytes.length).writeBytes(bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Utf8Text text && Arrays.equals(bytes, text.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** The text, decoded. */
    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
