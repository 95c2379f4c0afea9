package tuplespace.node.persistence;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Writes framed records ({@link RecordFraming}) to a channel through one large buffer, so that a snapshot of a million
 * small pairs is a few hundred writes. A record is built in the buffer between {@link #begin} and {@link #end}; the
 * buffer grows for a record larger than itself.
 */
final class RecordOutput {

    private static final int BUFFER_BYTES = 1 << 20;

    private final FileChannel channel;
    private ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    private int recordStart = -1;
    private long written;

    RecordOutput(FileChannel channel) {
        this.channel = channel;
    }

    /** Writes raw bytes (the file's prefix) outside any record. */
    void raw(ByteBuffer bytes) throws IOException {
        flush();
        DataFiles.writeFully(channel, bytes);
        written += bytes.limit();
    }

    /** Starts a record whose payload begins with {@code type}; what {@link #buffer(int)} is given next goes into it. */
    void begin(byte type) throws IOException {
        if (buffer.remaining() < RecordFraming.HEADER_BYTES + 64) {
            flush();
        }
        recordStart = buffer.position();
        buffer.position(recordStart + RecordFraming.HEADER_BYTES).put(type);
    }

    /** The buffer to put the next {@code bytes} of the open record into: grown (never flushed) if it has no room. */
    ByteBuffer buffer(int bytes) {
        if (buffer.remaining() < bytes) {
            ByteBuffer larger = ByteBuffer.allocate(Math.max(2 * buffer.capacity(), buffer.position() + bytes));
            buffer = larger.put(buffer.flip());
        }
        return buffer;
    }

    /** Bytes in the open record so far, its type included. */
    int recordBytes() {
        return buffer.position() - recordStart - RecordFraming.HEADER_BYTES;
    }

    /** Seals the open record; writes the buffer out once it is nearly full. */
    void end() throws IOException {
        RecordFraming.seal(buffer, recordStart);
        recordStart = -1;
        if (buffer.position() > buffer.capacity() / 2) {
            flush();
        }
    }

    void flush() throws IOException {
        if (recordStart >= 0) {
            throw new IllegalStateException("expected a record to be ended before a flush, found one open");
        }
        buffer.flip();
        written += buffer.remaining();
        DataFiles.writeFully(channel, buffer);
        if (buffer.capacity() > BUFFER_BYTES) {
            buffer = ByteBuffer.allocate(BUFFER_BYTES); // after a huge record: do not keep its buffer
        } else {
            buffer.clear();
        }
    }

    /** Bytes written to the channel so far. */
    long written() {
        return written;
    }
}
