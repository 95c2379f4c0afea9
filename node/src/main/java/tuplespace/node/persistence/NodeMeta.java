package tuplespace.node.persistence;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import tuplespace.codec.Lines;

/**
 * A node directory's metadata file, {@code node.meta}: the format version, the node's id, the highest epoch the node
 * served or saw and the server id of that epoch's primary (when known), the history its state belongs to, its own
 * instance, and the
 * newest snapshot made durable in the directory (none before the first). A few lines of text an operator can read,
 * the last one a CRC32C of the others; always replaced whole (temporary file, force, rename, directory force).
 *
 * <pre>
 *   format=1
 *   node=a
 *   epoch=3
 *   epoch-server=2c5e91d07a3b4f18
 *   history=6f1c9e0b2a4d8f37
 *   instance=91b0c3e57d2a6f04
 *   snapshot=1200
 *   snapshot-epoch=2
 *   snapshot-recovered-to=1200 1 5e0a77c1d2b3f490
 *   logged=1201 2
 *   check=5d2a91c0
 * </pre>
 *
 * The snapshot lines are absent while there is none (and in files written before they existed): a snapshot deleted by
 * hand would otherwise go unnoticed when the log after it starts where the snapshot started (INIT_FILE's, at entry 0).
 * {@code snapshot-recovered-to} (index, epoch, server id) is there only when the snapshot is a backup's copy of a
 * restarted primary's state: where that primary had recovered it to from its own directory ({@link RecoveredTo}).
 *
 * <p>{@code logged} (index, epoch) names an entry the log holds on disk: the first entry of a segment, recorded once
 * it was forced ({@link Logged}). The log's files alone cannot show that their newest segments were deleted (every
 * segment left still follows the one before), so a start whose log ends before that entry refuses to serve. Absent
 * before the first such entry (and in files written before the line existed).
 *
 * <p>The history is a random number, never 0, drawn when a directory is first created: it names the line of states
 * that started there (docs/design.md "Failover"). A backup's directory takes its primary's with the first snapshot of
 * that primary's state it stores, so every directory of one service carries the same history, and a directory taken
 * from another service carries another. A file written before the line existed reads as 0 (unknown), which
 * {@link DataDirectory} replaces with {@link #HISTORY_BEFORE_HISTORIES} when it opens the directory: the same for
 * every such directory, so that one service's upgraded directories agree.
 *
 * <p>The instance is a random number, never 0, drawn when the directory is created (or first opened without one) and
 * never taken from another: node ids repeat across machines ({@code a}, {@code b}), this names the directory itself. A
 * primary's REGISTER names it, and after losing a primary that served on one copy the proxy waits for it.
 */
record NodeMeta(String nodeId, long highestEpoch, long epochServer, long history, long instance,
                Optional<Snapshot> snapshot, Optional<Logged> logged) {

    /**
     * The newest durable snapshot: the state after entry {@code index} of {@code epoch}; for a backup's copy of a
     * restarted primary's state, where that primary had recovered it to ({@link RecoveredTo#NONE} otherwise).
     */
    record Snapshot(long index, long epoch, RecoveredTo recoveredTo) {

        Snapshot {
            Objects.requireNonNull(recoveredTo, "recoveredTo");
        }

        /** A snapshot of the node's own state, or of a primary that did not start from a data directory. */
        Snapshot(long index, long epoch) {
            this(index, epoch, RecoveredTo.NONE);
        }

        /** True when {@code info} holds an older state than this one, by (epoch, index) as snapshots are ordered. */
        boolean newerThan(SnapshotInfo info) {
            return epoch > info.epoch() || (epoch == info.epoch() && index > info.index());
        }

        @Override
        public String toString() {
            return "entry " + index + " of epoch " + epoch;
        }
    }

    /**
     * An entry the log held on disk, by its index and epoch: the state of a recovery that ends before it (by epoch,
     * then index, as a log's entries are ordered) lacks entries that were forced, unless a newer epoch superseded them.
     */
    record Logged(long index, long epoch) {

        /** Whether a log ending at entry {@code index} of {@code epoch} holds this entry, or a newer history. */
        boolean reachedBy(long index, long epoch) {
            return epoch > this.epoch || (epoch == this.epoch && index >= this.index);
        }

        @Override
        public String toString() {
            return "entry " + index + " of epoch " + epoch;
        }
    }

    static final String FILE_NAME = "node.meta";
    /** What to do about a damaged metadata file. */
    private static final String REWRITE_IT = "The metadata file is damaged: write it again by hand, its lines format,"
            + " node, epoch, history and instance from what is left of it or from a copy (keep the instance: a proxy"
            + " may wait for this directory by it) and ending with the check line a start names for them; or start"
            + " this node from its peer's data directory";

    NodeMeta {
        if (highestEpoch < 0) {
            throw new IllegalArgumentException("expected an epoch >= 0, found " + highestEpoch);
        }
    }

    NodeMeta withEpoch(long epoch, long server) {
        return new NodeMeta(nodeId, epoch, server, history, instance, snapshot, logged);
    }

    NodeMeta withHistory(long history) {
        return new NodeMeta(nodeId, highestEpoch, epochServer, history, instance, snapshot, logged);
    }

    NodeMeta withSnapshot(SnapshotInfo info, RecoveredTo recoveredTo) {
        return new NodeMeta(nodeId, highestEpoch, epochServer, history, instance,
                Optional.of(new Snapshot(info.index(), info.epoch(), recoveredTo)), logged);
    }

    NodeMeta withInstance(long newInstance) {
        return new NodeMeta(nodeId, highestEpoch, epochServer, history, newInstance, snapshot, logged);
    }

    NodeMeta withLogged(Logged entry) {
        return new NodeMeta(nodeId, highestEpoch, epochServer, history, instance, snapshot, Optional.of(entry));
    }

    /**
     * The history every directory written before histories were recorded takes when it is opened: one service's
     * directories then agree (a random one each would set them apart), as before histories.
     */
    static final long HISTORY_BEFORE_HISTORIES = 1;

    /**
     * A history or an instance for a directory: random, never 0 (which stands for a file without one), nor
     * {@link #HISTORY_BEFORE_HISTORIES}.
     */
    static long newRandomId() {
        return java.util.concurrent.ThreadLocalRandom.current().nextLong(HISTORY_BEFORE_HISTORIES + 1, Long.MAX_VALUE);
    }

    /**
     * How this directory is named in a REGISTER: its node id and instance, {@code b.91b0c3e57d2a6f04}; empty without an
     * instance (a file written before instances, not opened since).
     */
    Optional<String> registerName() {
        return instance == 0 ? Optional.empty() : Optional.of(nodeId + "." + describeHistory(instance));
    }

    /** How a history (or an instance) is written, here and in messages: 16 hexadecimal digits. */
    static String describeHistory(long history) {
        return String.format("%016x", history);
    }

    /** Replaces {@code directory}'s metadata file with this one, atomically. */
    void write(Path directory) throws IOException {
        String body = "format=" + FilePrefix.VERSION + "\nnode=" + nodeId + "\nepoch=" + highestEpoch + "\n"
                + (epochServer == 0 ? "" : "epoch-server=" + Long.toHexString(epochServer) + "\n")
                + (history == 0 ? "" : "history=" + describeHistory(history) + "\n")
                + (instance == 0 ? "" : "instance=" + describeHistory(instance) + "\n")
                + snapshot.map(newest -> "snapshot=" + newest.index() + "\nsnapshot-epoch=" + newest.epoch() + "\n"
                        + (newest.recoveredTo().isKnown() ? "snapshot-recovered-to=" + newest.recoveredTo().index()
                        + " " + newest.recoveredTo().epoch() + " " + Long.toHexString(newest.recoveredTo().server())
                        + "\n" : "")).orElse("")
                + logged.map(entry -> "logged=" + entry.index() + " " + entry.epoch() + "\n").orElse("");
        byte[] bytes = (body + "check=" + check(body) + "\n").getBytes(StandardCharsets.UTF_8);
        Path file = directory.resolve(FILE_NAME);
        Path temporary = DataFiles.temporary(file);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            DataFiles.writeFully(channel, ByteBuffer.wrap(bytes));
            channel.force(true);
        }
        DataFiles.renameIntoPlace(temporary, file);
    }

    /**
     * Reads {@code directory}'s metadata file.
     *
     * @throws NoSuchFileException when there is none
     * @throws DamagedFileException when it is not whole, or of another format version
     */
    static NodeMeta read(Path directory) throws IOException {
        Path file = directory.resolve(FILE_NAME);
        byte[] bytes = Files.readAllBytes(file);
        OptionalInt notText = Lines.firstNonUtf8Byte(ByteBuffer.wrap(bytes));
        if (notText.isPresent()) {
            throw DamagedFileException.at(file, notText.getAsInt(), String.format(Locale.ROOT, "expected lines of"
                    + " text (format=, node=, epoch=, ..., check=), found the byte 0x%02X, which is not UTF-8 there",
                    bytes[notText.getAsInt()] & 0xFF), REWRITE_IT);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        int checkAt = text.lastIndexOf("check=");
        Map<String, String> fields = fields(text);
        String body = checkAt < 0 ? text : text.substring(0, checkAt);
        if (!check(body).equals(fields.get("check"))) {
            throw DamagedFileException.at(file, Math.max(checkAt, 0), "expected a last line check=" + check(body)
                    + ", found " + (checkAt < 0 ? "none" : "check=" + fields.get("check")), REWRITE_IT);
        }
        if (!String.valueOf(FilePrefix.VERSION).equals(fields.get("format"))) {
            throw DamagedFileException.at(file, 0, "expected format=" + FilePrefix.VERSION + ", found format="
                    + fields.get("format"), "The directory was written by another version of tuplespace: run that "
                    + "version, or move the directory away to start this node from its peer's data");
        }
        try {
            Optional<Snapshot> snapshot = fields.containsKey("snapshot")
                    ? Optional.of(new Snapshot(Long.parseLong(fields.get("snapshot")),
                            Long.parseLong(fields.get("snapshot-epoch")),
                            recoveredTo(fields.get("snapshot-recovered-to"))))
                    : Optional.empty();
            long history = fields.containsKey("history") ? Long.parseUnsignedLong(fields.get("history"), 16) : 0;
            long instance = fields.containsKey("instance") ? Long.parseUnsignedLong(fields.get("instance"), 16) : 0;
            long epochServer = fields.containsKey("epoch-server")
                    ? Long.parseUnsignedLong(fields.get("epoch-server"), 16) : 0;
            return new NodeMeta(fields.get("node"), Long.parseLong(fields.get("epoch")), epochServer, history, instance,
                    snapshot, logged(fields.get("logged")));
        } catch (RuntimeException e) {
            throw DamagedFileException.at(file, 0, "expected node=ID and epoch=NUMBER lines (and history=16 HEX DIGITS or "
                    + "none; instance=16 HEX DIGITS or none; epoch-server=HEX DIGITS or none; snapshot=NUMBER with"
                    + " snapshot-epoch=NUMBER, and snapshot-recovered-to=INDEX EPOCH HEX DIGITS or none, or neither;"
                    + " logged=INDEX EPOCH or none),"
                    + " found " + fields, "Write the file "
                    + "again by hand, or start this node from its peer's data directory");
        }
    }

    /** {@code snapshot-recovered-to}'s value: "INDEX EPOCH SERVER", the server id in hexadecimal; none when absent. */
    private static RecoveredTo recoveredTo(String value) {
        if (value == null) {
            return RecoveredTo.NONE;
        }
        String[] parts = value.split(" ");
        if (parts.length != 3) {
            throw new IllegalArgumentException("expected INDEX EPOCH SERVER, found " + value);
        }
        return new RecoveredTo(Long.parseLong(parts[0]), Long.parseLong(parts[1]),
                Long.parseUnsignedLong(parts[2], 16));
    }

    /** {@code logged}'s value: "INDEX EPOCH"; none when absent. */
    private static Optional<Logged> logged(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String[] parts = value.split(" ");
        if (parts.length != 2) {
            throw new IllegalArgumentException("expected INDEX EPOCH, found " + value);
        }
        return Optional.of(new Logged(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
    }

    private static Map<String, String> fields(String text) {
        Map<String, String> fields = new HashMap<>();
        for (String line : List.of(text.split("\n"))) {
            int equals = line.indexOf('=');
            if (equals > 0) {
                fields.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        return fields;
    }

    private static String check(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return String.format("%08x", FilePrefix.crc(bytes, bytes.length));
    }
}
