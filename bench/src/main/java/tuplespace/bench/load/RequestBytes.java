package tuplespace.bench.load;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A reusable, growing byte array for one connection's requests. Everything the load writes is ASCII (keys and
 * values are alphanumeric, {@link Operation}), so characters are written as bytes without a charset.
 */
public final class RequestBytes {

    private byte[] bytes = new byte[4096];
    private int length;

    public RequestBytes clear() {
        length = 0;
        return this;
    }

    public RequestBytes ascii(String text) {
        ensure(text.length());
        for (int i = 0; i < text.length(); i++) {
            bytes[length++] = (byte) text.charAt(i);
        }
        return this;
    }

    public RequestBytes decimal(int value) {
        return ascii(Integer.toString(value));
    }

    public int length() {
        return length;
    }

    /** The bytes written so far, without copying; valid until the next write. */
    public ByteBuffer view() {
        return ByteBuffer.wrap(bytes, 0, length);
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
