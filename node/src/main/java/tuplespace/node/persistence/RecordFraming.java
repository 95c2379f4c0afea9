package tuplespace.node.persistence;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import tuplespace.replication.ReplicationFrames;

/**
 * How a record is framed in a log segment or a snapshot: a 12-byte header, then the payload.
 *
 * <pre>
 *   int length        payload bytes, 1 to {@link #MAX_PAYLOAD_BYTES}
 *   int lengthCheck   CRC32C of the 4 length bytes
 *   int payloadCrc    CRC32C of the payload
 * </pre>
 *
 * The length has a check of its own so that a damaged length is seen as damage: trusted blindly, a length flipped to
 * point past the end of the file would look like a record cut short by a crash, and the reader would drop every
 * record after it as a torn tail. All numbers big-endian.
 */
final class RecordFraming {

    static final int HEADER_BYTES = 12;
    /** One log entry may carry the largest answer and as large an effect: the link's frame limit bounds it too. */
    static final int MAX_PAYLOAD_BYTES = ReplicationFrames.MAX_FRAME_BYTES;

    private RecordFraming() {
    }

    /** Reserves a header at the writer index of {@code buffer}; write the payload next, then {@link #seal}. */
    static int reserveHeader(ByteBuf buffer) {
        int headerAt = buffer.writerIndex();
        buffer.writeZero(HEADER_BYTES);
        return headerAt;
    }

    /** Fills in the header reserved at {@code headerAt} for the payload written after it, up to the writer index. */
    static void seal(ByteBuf buffer, int headerAt) {
        int length = buffer.writerIndex() - headerAt - HEADER_BYTES;
        checkLength(length);
        buffer.setInt(headerAt, length);
        buffer.setInt(headerAt + 4, lengthCheck(length));
        buffer.setInt(headerAt + 8, crc(buffer.nioBuffer(headerAt + HEADER_BYTES, length)));
    }

    /** The same for a {@link ByteBuffer} whose payload runs from {@code headerAt + 12} to its position. */
    static void seal(ByteBuffer buffer, int headerAt) {
        int length = buffer.position() - headerAt - HEADER_BYTES;
        checkLength(length);
        buffer.putInt(headerAt, length);
        buffer.putInt(headerAt + 4, lengthCheck(length));
        buffer.putInt(headerAt + 8, crc(buffer.duplicate().position(headerAt + HEADER_BYTES).limit(buffer.position())));
    }

    /** CRC32C of the length's 4 bytes, big-endian. */
    static int lengthCheck(int length) {
        CRC32C crc = new CRC32C();
        crc.update(length >>> 24);
        crc.update(length >>> 16);
        crc.update(length >>> 8);
        crc.update(length);
        return (int) crc.getValue();
    }

    /** CRC32C of the bytes between {@code payload}'s position and limit; the position does not move. */
    static int crc(ByteBuffer payload) {
        int position = payload.position();
        CRC32C crc = new CRC32C();
        crc.update(payload);
        payload.position(position);
        return (int) crc.getValue();
    }

    private static void checkLength(int length) {
        if (length < 1 || length > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("expected a record of 1 to " + MAX_PAYLOAD_BYTES + " bytes, found " + length);
        }
    }
}
