package tuplespace.node.persistence;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One node's data directory, {@code DIR/node-<id>}: its log segments, its snapshots and {@code node.meta} (format
 * version, node id, the highest epoch the node served or saw, the history its state belongs to, its instance, the
 * newest durable snapshot, an entry the log holds on disk). The id names the node,
 * not its role, so the directory stays the node's when primary and backup swap. Opening it takes an exclusive lock on
 * its {@code lock} file for the life of the process: two processes writing one log would interleave their entries.
 *
 * <p>{@link #recordEpoch}, {@link #recordSnapshot} and {@link #recordLogged} block on the disk: call them from a
 * thread that may wait (the log's writer does, for {@link WriteAheadLog#recordEpoch} and each segment's first entry;
 * the snapshots' writer, for each snapshot). What they recorded may be read by any thread.
 */
public final class DataDirectory implements AutoCloseable {

    /** Letters, digits, '_', '.', '-'; not starting with '.' (so never a hidden or a temporary name). */
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}");
    static final String PREFIX = "node-";
    private static final String LOCK_FILE = "lock";
    /** A node directory's permissions where the file system has POSIX ones ({@link #createOwnerOnly}). */
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final Path path;
    private final String nodeId;
    private final FileChannel lockChannel;
    private final FileLock lock;
    /** What {@code node.meta} holds now; replaced (on disk first) by the log's and the snapshots' writer threads. */
    private volatile NodeMeta meta;

    private DataDirectory(Path path, String nodeId, NodeMeta meta, FileChannel lockChannel, FileLock lock) {
        this.path = path;
        this.nodeId = nodeId;
        this.meta = meta;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Opens {@code root/node-<nodeId>}, creating it (and {@code root}) when absent, and locks it. Blocks: start-up only.
     *
     * @throws IOException when another process holds the directory, or it cannot be created or read
     * @throws DamagedFileException when its metadata file is damaged, of another version or of another node, or is
     *         missing beside data files
     */
    public static DataDirectory open(Path root, String nodeId) throws IOException {
        return open(root, nodeId, LogReadAhead.none());
    }

    /**
     * The same, adopting the lock {@code readAhead} took on this directory when it read its log ahead: held since, so
     * what it read is what is there.
     */
    public static DataDirectory open(Path root, String nodeId, LogReadAhead readAhead) throws IOException {
        if (!NODE_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException("expected a node id of 1 to 64 letters, digits, '_', '.' or '-', "
                    + "not starting with '.', found \"" + nodeId + "\"");
        }
        requireDataDirectory(root);
        Path path = root.resolve(PREFIX + nodeId).toAbsolutePath();
        boolean rootCreated = !Files.isDirectory(path.getParent());
        boolean created = !Files.isDirectory(path);
        Files.createDirectories(path.getParent());
        if (created) {
            createOwnerOnly(path);
        }
        if (rootCreated && path.getParent().getParent() != null) {
            DataFiles.forceDirectory(path.getParent().getParent()); // the new entries must survive a crash too
        }
        if (created) {
            DataFiles.forceDirectory(path.getParent());
        }
        Optional<FileLock> adopted = readAhead.lockOf(path);
        FileChannel lockChannel = adopted.isPresent() ? (FileChannel) adopted.get().acquiredBy() : openLockFile(path);
        try {
            // an adopted lock's holder was recorded when the read-ahead took it
            FileLock lock = adopted.isPresent() ? adopted.get() : lock(path, lockChannel);
            NodeMeta meta = readOrCreateMeta(path, nodeId);
            return new DataDirectory(path, nodeId, meta, lockChannel, lock);
        } catch (IOException | RuntimeException e) {
            lockChannel.close(); // releases the lock too
            throw e;
        }
    }

    /**
     * Creates the node directory {@code path} readable by its owner only, as SAVE_FILE is written: its log and
     * snapshots hold the same pairs. Where the file system has no POSIX permissions, with its defaults.
     */
    private static void createOwnerOnly(Path path) throws IOException {
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectory(path, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
            Files.createDirectory(path);
        }
    }

    /** {@code --data-dir} names a node directory, not the data directory: the message says which to give instead. */
    public static final class NotADataDirectory extends IOException {
        private static final long serialVersionUID = 1L;

        NotADataDirectory(String message) {
            super(message);
        }
    }

    /**
     * Refuses a {@code root} that is a node directory itself: an operator who gave {@code --data-dir} the node directory
     * STATUS shows would otherwise start on an empty node directory made inside it, its state ignored.
     *
     * @throws NotADataDirectory saying so, and naming the directory to give instead
     */
    private static void requireDataDirectory(Path root) throws IOException {
        if (Files.exists(root.resolve(NodeMeta.FILE_NAME))) {
            Path parent = root.toAbsolutePath().normalize().getParent();
            throw new NotADataDirectory("expected the data directory, which holds a node directory per node ("
                    + PREFIX + "<id>), found a node directory itself (" + root + " holds " + NodeMeta.FILE_NAME
                    + "): give its parent" + (parent == null ? "" : ", --data-dir " + parent));
        }
    }

    public Path path() {
        return path;
    }

    public String nodeId() {
        return nodeId;
    }

    /** The highest epoch this node served or saw, as recorded on disk. */
    public long highestEpoch() {
        return meta.highestEpoch();
    }

    /** The server id of the primary of {@link #highestEpoch()}, as recorded with it; 0 when unknown. */
    public long epochServer() {
        return meta.epochServer();
    }

    /**
     * The line of states this directory's state belongs to ({@link NodeMeta}): drawn when the directory was created,
     * taken from the primary whose state a backup stored. Never 0.
     */
    public long history() {
        return meta.history();
    }

    /**
     * This node directory's own random name ({@link NodeMeta}): drawn when it was created, never taken from another.
     * Never 0.
     */
    public long instance() {
        return meta.instance();
    }

    /** How this directory is named in a REGISTER: its node id and instance, {@code b.91b0c3e57d2a6f04}. */
    public String registerName() {
        return meta.registerName().orElseThrow(); // an opened directory always has its instance
    }

    /** How {@link #history()} is written in {@code node.meta} and in messages. */
    public static String describeHistory(long history) {
        return NodeMeta.describeHistory(history);
    }

    /**
     * Where a restarted primary had recovered the state after entry {@code index} of {@code epoch} to, when that is the
     * state of the newest snapshot recorded here and the snapshot is a backup's copy of that primary's state; none
     * otherwise. A backup that recovered exactly that state holds only what that primary recovered.
     */
    public RecoveredTo snapshotRecoveredTo(long index, long epoch) {
        return meta.snapshot().filter(newest -> newest.index() == index && newest.epoch() == epoch)
                .map(NodeMeta.Snapshot::recoveredTo).orElse(RecoveredTo.NONE);
    }

    /** The newest snapshot made durable here, as recorded on disk; empty before the first. */
    Optional<NodeMeta.Snapshot> recordedSnapshot() {
        return meta.snapshot();
    }

    /**
     * Records that the node served or saw {@code epoch}, durably, before returning; an epoch at or below the recorded
     * one changes nothing. Blocks on the disk.
     */
    public synchronized void recordEpoch(long epoch) throws IOException {
        recordEpoch(epoch, 0);
    }

    /**
     * Records that the node served or saw {@code epoch}, and that {@code server} is the server id of its primary (0:
     * unknown), durably, before returning. An epoch below the recorded one changes nothing; the recorded one only gets
     * its server. The server tells a backup restarted on this directory which primary its state came from: an epoch
     * number names one primary only within one proxy's memory ({@code BackupCopy#recovered}). Blocks on the disk.
     */
    public synchronized void recordEpoch(long epoch, long server) throws IOException {
        if (epoch < meta.highestEpoch()
                || epoch == meta.highestEpoch() && (server == 0 || server == meta.epochServer())) {
            return;
        }
        NodeMeta next = meta.withEpoch(epoch, server);
        next.write(path);
        meta = next;
    }

    /**
     * Records that {@code snapshot}, now durable, is the directory's newest: from now on a start that does not find it
     * (or a newer one) is refused. Call it before the older snapshots are deleted. Blocks on the disk. A {@code history}
     * other than 0 replaces the recorded one in the same write: the snapshot holds a state of that history (a backup's
     * copy of its primary's).
     */
    public synchronized void recordSnapshot(SnapshotInfo snapshot, long history) throws IOException {
        recordSnapshot(snapshot, history, RecoveredTo.NONE);
    }

    /**
     * As {@link #recordSnapshot(SnapshotInfo, long)}, for a backup's copy of a restarted primary's state, which that
     * primary had recovered to {@code recoveredTo} ({@link #snapshotRecoveredTo}).
     */
    public synchronized void recordSnapshot(SnapshotInfo snapshot, long history, RecoveredTo recoveredTo)
            throws IOException {
        NodeMeta next = meta.withSnapshot(snapshot, recoveredTo);
        if (history != 0) {
            next = next.withHistory(history);
        }
        if (!next.equals(meta)) {
            next.write(path);
            meta = next;
        }
    }

    /** The newest entry recorded as held by the log on disk ({@link #recordLogged}); empty before the first. */
    Optional<NodeMeta.Logged> recordedLogged() {
        return meta.logged();
    }

    /**
     * Records that the log holds entry {@code index} of {@code epoch} on disk (forced): from now on a start whose log
     * ends before it is refused, as its newer segments are missing. An entry not after the recorded one (by epoch, then
     * index) changes nothing. Blocks on the disk.
     */
    synchronized void recordLogged(long index, long epoch) throws IOException {
        NodeMeta.Logged entry = new NodeMeta.Logged(index, epoch);
        if (meta.logged().filter(recorded -> entry.reachedBy(recorded.index(), recorded.epoch())).isPresent()) {
            return; // the recorded one is this one or a later one
        }
        NodeMeta next = meta.withLogged(entry);
        next.write(path);
        meta = next;
    }

    /** The node directory's lock is held by another process. */
    public static final class InUse extends IOException {
        private static final long serialVersionUID = 1L;
        private final String held;

        InUse(Path path, java.util.OptionalLong holder) {
            this(held(path, holder));
        }

        private InUse(String held) {
            super(held + ". Stop that process first, unless it is a backup that outlived its primary: it"
                    + " may hold the only copy of the space then, and ./tuplespace promote PROXY_SHUTDOWN_SAP serves it"
                    + " (the proxy's STATUS shows whether it follows there); a backup whose primary serves needs no"
                    + " other server on its directory");
            this.held = held;
        }

        private static String held(Path path, java.util.OptionalLong holder) {
            return path + " is in use by another node process (" + (holder.isPresent() ? "pid " + holder.getAsLong()
                    + ", which holds its lock file" : "its lock file is held") + "): one process per node directory";
        }

        /** What every refusal says first: which directory, which process holds it, and the rule. */
        public String held() {
            return held;
        }
    }

    /** Releases the lock; the files stay. */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            lockChannel.close();
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }

    private static FileLock lock(Path path, FileChannel channel) throws IOException {
        FileLock lock = tryLock(channel).orElseThrow(() -> new InUse(path, holder(path)));
        recordHolder(channel);
        return lock;
    }

    /** The lock of a node directory's {@code lock} file through {@code channel}; empty when another holder has it. */
    static Optional<FileLock> tryLock(FileChannel channel) throws IOException {
        try {
            return Optional.ofNullable(channel.tryLock());
        } catch (OverlappingFileLockException e) {
            return Optional.empty(); // held by this very process, through another DataDirectory
        }
    }

    /** Opens a node directory's {@code lock} file, creating it, for {@link #tryLock}. */
    static FileChannel openLockFile(Path directory) throws IOException {
        return FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    /** Who holds the lock, for the refusal of the next process that tries (not forced: meaningless after a crash). */
    static void recordHolder(FileChannel channel) throws IOException {
        channel.truncate(0);
        channel.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII)), 0);
    }

    /** The pid the lock file's holder wrote into it, when it did (a holder of an older version wrote nothing). */
    private static java.util.OptionalLong holder(Path path) {
        try {
            return java.util.OptionalLong.of(Long.parseLong(Files.readString(path.resolve(LOCK_FILE)).strip()));
        } catch (IOException | NumberFormatException e) {
            return java.util.OptionalLong.empty();
        }
    }

    /** Whether the node directory {@code path} holds a log or a snapshot but no {@code node.meta}: it is damaged. */
    static boolean holdsStateWithoutMeta(Path path) throws IOException {
        return !Files.exists(path.resolve(NodeMeta.FILE_NAME))
                && (!DataFiles.segments(path).isEmpty() || !DataFiles.snapshots(path).isEmpty());
    }

    /**
     * The damage of a node directory that holds state but no {@code node.meta}: it cannot be compared with the others,
     * and may hold the newest state, so nothing is served until it is written again or the directory moved away.
     */
    static DamagedFileException missingMeta(Path path, String nodeId) {
        return DamagedFileException.of(path.resolve(NodeMeta.FILE_NAME), "expected the node's metadata file beside its"
                + " log and snapshots, found none", "Write it by hand (format=1, node=" + nodeId + ", epoch=the highest"
                + " epoch the service reached, history=as the peer directory's node.meta has it, instance=the 16 hex"
                + " digits after \"" + nodeId + ".\" in the proxy's STATUS (waitsFor) if it waits for this directory; a"
                + " check line is then printed as expected). Only if you know another node directory holds the newest"
                + " state, move this one out of " + path.getParent() + " instead: it may hold the newest, so no other is"
                + " served in its place");
    }

    private static NodeMeta readOrCreateMeta(Path path, String nodeId) throws IOException {
        NodeMeta meta;
        try {
            meta = NodeMeta.read(path);
        } catch (NoSuchFileException e) {
            if (holdsStateWithoutMeta(path)) {
                throw missingMeta(path, nodeId);
            }
            meta = new NodeMeta(nodeId, 0, 0, NodeMeta.newRandomId(), NodeMeta.newRandomId(), Optional.empty(),
                    Optional.empty());
            meta.write(path);
            return meta;
        }
        if (!nodeId.equals(meta.nodeId())) {
            throw DamagedFileException.at(path.resolve(NodeMeta.FILE_NAME), 0, "expected node=" + nodeId + ", found node="
                    + meta.nodeId(), "The directory belongs to another node: give each node its own directory");
        }
        if (meta.history() == 0 || meta.instance() == 0) { // written before these were recorded: they start here
            meta = meta.history() == 0 ? meta.withHistory(NodeMeta.HISTORY_BEFORE_HISTORIES) : meta;
            meta = meta.instance() == 0 ? meta.withInstance(NodeMeta.newRandomId()) : meta;
            meta.write(path);
        }
        return meta;
    }
}
