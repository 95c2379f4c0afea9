package tuplespace.node.persistence;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The first 16 bytes of every log segment and snapshot file: 8 bytes naming the kind of file, the 4-byte format
 * version and a CRC32C of those 12 bytes. It never changes between versions, so any later version can still say
 * "expected format version 1, found 2" instead of misreading a file.
 */
enum FilePrefix {

    LOG("TSPACEWL", "a write-ahead log segment"),
    SNAPSHOT("TSPACESN", "a snapshot");

    /** The format this build reads and writes (docs/internals.md "Files"). */
    static final int VERSION = 1;
    static final int LENGTH = 16;

    private final byte[] magic;
    private final String description;

    FilePrefix(String magic, String description) {
        this.magic = magic.getBytes(StandardCharsets.US_ASCII);
        this.description = description;
    }

    /** The prefix of this kind of file, format {@link #VERSION}, ready to write. */
    ByteBuffer bytes() {
        return bytes(VERSION);
    }

    /** With another version: tests write a file of a version this build does not know. */
    ByteBuffer bytes(int version) {
        ByteBuffer prefix = ByteBuffer.allocate(LENGTH).put(magic).putInt(version);
        prefix.putInt(crc(prefix.array(), 12));
        return prefix.flip();
    }

    /**
     * Reads and checks the prefix at the start of {@code channel}, leaving it positioned after it.
     *
     * @throws DamagedFileException for a file of another kind, a damaged prefix, or another format version
     */
    void check(Path file, FileChannel channel) throws IOException {
        ByteBuffer prefix = ByteBuffer.allocate(LENGTH);
        channel.position(0);
        while (prefix.hasRemaining() && channel.read(prefix) >= 0) {
            // read on: a file is read in whole chunks except at its end
        }
        if (prefix.hasRemaining()) {
            throw DamagedFileException.at(file, 0, "expected the " + LENGTH + "-byte header of " + description
                    + ", found a file of " + prefix.position() + " bytes", notOurs());
        }
        byte[] found = new byte[magic.length];
        prefix.get(0, found);
        if (!Arrays.equals(found, magic)) {
            throw DamagedFileException.at(file, 0, "expected " + description + " (starting "
                    + new String(magic, StandardCharsets.US_ASCII) + "), found one starting "
                    + printable(found), notOurs());
        }
        if (crc(prefix.array(), 12) != prefix.getInt(12)) {
            throw DamagedFileException.at(file, 8, "expected the header's checksum " + Integer.toHexString(crc(prefix.array(), 12))
                    + ", found " + Integer.toHexString(prefix.getInt(12)), "The file's header is damaged: "
                    + "move this node's directory away and start the node from its peer's data, or restore it from a copy");
        }
        int version = prefix.getInt(8);
        if (version != VERSION) {
            throw DamagedFileException.at(file, 8, "expected format version " + VERSION + ", found " + version,
                    "The file was written by another version of tuplespace: run that version, or move this node's "
                            + "directory away to start it from its peer's data");
        }
    }

    private static String notOurs() {
        return "This is not a file tuplespace wrote whole: move it out of the data directory";
    }

    private static String printable(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            text.append(b >= 0x20 && b < 0x7f ? Character.toString(b) : String.format("\\x%02x", b & 0xff));
        }
        return text.toString();
    }

    static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
