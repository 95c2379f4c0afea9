package tuplespace.node;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.node.persistence.Checkpoints;
import tuplespace.node.persistence.DataDirectory;
import tuplespace.node.persistence.FsyncMode;
import tuplespace.space.IoFailure;
import tuplespace.node.persistence.LogFailure;
import tuplespace.node.persistence.LogListener;
import tuplespace.node.persistence.LogOptions;
import tuplespace.node.persistence.LogProgress;
import tuplespace.node.persistence.Recovered;
import tuplespace.node.persistence.RecoveredTo;
import tuplespace.node.persistence.SnapshotContent;
import tuplespace.node.persistence.SnapshotInfo;
import tuplespace.node.persistence.SnapshotWriter;
import tuplespace.node.persistence.WriteAheadLog;
import tuplespace.ops.OperatorEvent;
import tuplespace.replication.Replicated;

/**
 * A node's data directory in use ({@code --data-dir}): every entry the node applies goes to its write-ahead log,
 * snapshots are taken when the log has grown ({@link Checkpoints}), and what the log achieved is passed to the role
 * the node plays ({@link Owner}): the primary releases answers by it, the backup acknowledges by it. The node keeps
 * its storage across a takeover (the directory names the node, not its role). Runs on the node's event loop; nothing
 * here waits for the disk.
 *
 * <p>After a write or force failure the log keeps its entries in memory and rewrites them into a fresh file until that
 * works (docs/internals.md "Files"); meanwhile {@link #failure()} says why and the owner refuses updates. The operator
 * hears {@code disk_error} once per failure and {@code disk_recovered} when the log goes on.
 */
final class NodeStorage implements LogListener {

    private static final Logger LOG = LoggerFactory.getLogger(NodeStorage.class);

    /** The role the node plays now, told what the log achieved. */
    interface Owner {

        /** Every entry up to {@code index} is logged as the fsync mode requires: answers depending on it may leave. */
        void logged(long index);

        /** The disk failed ({@code reason}); the log keeps what it has in memory and retries. */
        void diskFailed(String reason);

        /** The log writes again after a failure. */
        void diskRecovered();

        /**
         * The state after the last entry appended to the log, to snapshot; empty when there is no such state now (a
         * backup receiving its primary's state).
         */
        Optional<SnapshotContent> snapshotContent();
    }

    /** An owner before any role started: nothing to tell. */
    private static final Owner NOBODY = new Owner() {
        @Override
        public void logged(long index) {
        }

        @Override
        public void diskFailed(String reason) {
        }

        @Override
        public void diskRecovered() {
        }

        @Override
        public Optional<SnapshotContent> snapshotContent() {
            return Optional.empty();
        }
    };

    private final ServerNode node;
    private final DataDirectory directory;
    private final FsyncMode fsync;
    private final WriteAheadLog log;
    private final SnapshotWriter snapshots;
    private final Checkpoints checkpoints;
    private Owner owner = NOBODY;
    private LogProgress progress;
    private long logged;
    private Optional<SnapshotInfo> lastSnapshot;
    private Optional<Instant> lastSnapshotTime = Optional.empty();
    private Optional<String> failure = Optional.empty();
    private CompletableFuture<LogProgress> closed;
    /** The epoch of the last entry the directory held when the node started (0 for none). */
    private final long recoveredEpoch;
    /** The server id of that epoch's primary, as the directory recorded it then (0: unknown). */
    private final long recoveredServer;
    /**
     * When the state the node started with is exactly a backup's snapshot of a restarted primary's state: where that
     * primary had recovered it to ({@link DataDirectory#snapshotRecoveredTo}); none otherwise.
     */
    private final RecoveredTo recoveredCopyOf;

    /** The node directories whose state the start compared before it took this one, this one first. */
    private final List<String> compared;

    private NodeStorage(ServerNode node, DataDirectory directory, FsyncMode fsync, Recovered recovered,
                        List<String> compared, LogOptions options, long minLogBytes) throws IOException {
        this.node = node;
        this.compared = List.copyOf(compared);
        this.directory = directory;
        this.fsync = fsync;
        this.lastSnapshot = recovered.snapshot();
        if (lastSnapshot.isPresent()) {
            lastSnapshotTime = Optional.of(Files.getLastModifiedTime(lastSnapshot.get().file()).toInstant());
        }
        this.logged = recovered.lastIndex();
        this.recoveredEpoch = recovered.lastEpoch();
        this.recoveredServer = recovered.lastEpochServer();
        this.recoveredCopyOf = directory.snapshotRecoveredTo(recovered.lastIndex(), recovered.lastEpoch());
        this.progress = new LogProgress(recovered.lastIndex(), recovered.lastIndex(), logBytes(directory.path()));
        this.log = WriteAheadLog.open(directory, recovered, options, this, node.loop());
        this.snapshots = new SnapshotWriter(directory, options.opener(), node.loop());
        this.checkpoints = new Checkpoints(log, snapshots, minLogBytes,
                recovered.snapshot().map(SnapshotInfo::bytes).orElse(0L));
    }

    /** Opens the log of {@code directory} after {@code recovered}; blocks while it creates the first segment. */
    static NodeStorage open(ServerNode node, DataDirectory directory, FsyncMode fsync, Recovered recovered,
                            List<String> compared) throws IOException {
        return new NodeStorage(node, directory, fsync, recovered, compared, LogOptions.of(fsync),
                Checkpoints.DEFAULT_MIN_LOG_BYTES);
    }

    void attach(Owner role) {
        this.owner = role;
    }

    /**
     * True with {@code --fsync always}: answers (and a backup's acknowledgements) wait for the log to be forced (group
     * commit). With the other modes a primary's answers still wait for their entries to be written to the operating
     * system ({@link #logged}), which the loop mostly does itself before it answers, but not for the disk.
     */
    boolean answersWaitForForce() {
        return fsync == FsyncMode.ALWAYS;
    }

    /** The highest index logged as the fsync mode requires. */
    long logged() {
        return logged;
    }

    /** Why updates are refused now: the disk failed and the log has not written since. */
    Optional<String> failure() {
        return failure;
    }

    /** The epoch of the last entry the directory held when the node started (0 for none). */
    long recoveredEpoch() {
        return recoveredEpoch;
    }

    /** The server id of that epoch's primary, as the directory recorded it when the node started (0: unknown). */
    long recoveredServer() {
        return recoveredServer;
    }

    /** The line of states the directory's state belongs to ({@code SnapshotBegin#history}); never 0. */
    long history() {
        return directory.history();
    }

    /**
     * The names ({@link DataDirectory#registerName()}: node id and instance) of the node directories whose state this
     * node's start compared before it took its own (a primary's survey of one DIR), its own first; its own alone when
     * there was nothing to compare. A REGISTER names them: after losing a primary that served on one copy, the proxy
     * takes only a server that compared that primary's directory.
     */
    List<String> compared() {
        return compared;
    }

    /** The node directory's name as REGISTER and FOLLOW give it ({@link DataDirectory#registerName()}). */
    String directoryName() {
        return directory.registerName();
    }

    /** The node's id: its directory is {@code DIR/node-<id>}. */
    String nodeId() {
        return directory.nodeId();
    }

    /** The id the node's backup gets: the other of {@code a} and {@code b}. */
    String peerId() {
        return "a".equals(directory.nodeId()) ? "b" : "a";
    }

    /**
     * Logs {@code entries}. Returns true when they count as logged already: with {@code everysec} and {@code no}, where
     * an entry counts as logged once written to the operating system, when the loop wrote them itself. A primary then
     * releases the answers that wait for them at once rather than a task later, at the log's report; the owner hears
     * of them with that report, as of every other entry (a backup acknowledges at the end of what it read).
     */
    boolean append(List<Replicated> entries) {
        return closed == null && log.append(entries) && fsync != FsyncMode.ALWAYS;
    }

    long lastAppended() {
        return log.lastAppended();
    }

    /**
     * Records durably that the node serves or saw {@code epoch}, whose primary is the server {@code server}; completes on
     * the loop once it is on disk.
     */
    CompletableFuture<Long> recordEpoch(long epoch, long server) {
        return log.recordEpoch(epoch, server);
    }

    /** The server id recorded with the directory's highest epoch ({@link DataDirectory#epochServer()}); 0: unknown. */
    long epochServer() {
        return directory.epochServer();
    }

    /**
     * Where a restarted primary had recovered the state this node started with, when that state is exactly a backup's
     * snapshot of it; none otherwise.
     */
    RecoveredTo recoveredCopyOf() {
        return recoveredCopyOf;
    }

    /** The highest epoch the directory records. */
    long highestEpoch() {
        return directory.highestEpoch();
    }

    /**
     * A backup received its primary's whole state: writes it as a snapshot, then drops the old log and goes on after
     * it. Completes on the loop once that is done; entries may be appended from then on.
     */
    CompletableFuture<SnapshotInfo> replaceState(SnapshotContent content) {
        // A backup that started over while an earlier state was still being written gets both completions, in the
        // order of the writes (one writer thread): the later restart point wins, and the backup ignores the earlier
        // one's outcome (BackupNode.onSnapshotEnd).
        return snapshots.write(content).thenApply(info -> {
            log.restartAt(info.index() + 1);
            noteSnapshot(info);
            logged = info.index();
            return info;
        });
    }

    /**
     * Forces and closes the log; completes (on the loop) once everything appended is on disk, or fails. A second call
     * gets the first one's result.
     */
    CompletableFuture<LogProgress> close() {
        if (closed == null) {
            snapshots.close();
            closed = log.close();
        }
        return closed;
    }

    /** Releases the directory's lock (the process ends). */
    void releaseDirectory() {
        try {
            directory.close();
        } catch (IOException e) {
            LOG.warn("{}: could not release the lock: {}", directory, e.toString());
        }
    }

    @Override
    public void progress(LogProgress now) {
        progress = now;
        if (failure.isPresent()) {
            node.notifyOperator(OperatorEvent.DISK_RECOVERED, directory + ": the write-ahead log writes again at entry "
                    + now.written());
            failure = Optional.empty();
            owner.diskRecovered();
        }
        long index = fsync.logged(now);
        if (index > logged) {
            logged = index;
            owner.logged(index);
        }
        if (checkpoints.due(now)) {
            owner.snapshotContent().ifPresent(this::snapshot);
        }
    }

    @Override
    public void failed(LogFailure cause) {
        boolean first = failure.isEmpty();
        failure = Optional.of("disk error: " + IoFailure.describe(cause.cause()) + " (" + cause.operation() + " of "
                + cause.file().getFileName() + " in " + directory + ")");
        if (first) {
            node.notifyOperator(OperatorEvent.DISK_ERROR, cause.describe() + "; updates are refused until it writes again");
            owner.diskFailed(failure.get());
        } else {
            LOG.debug("{}", cause.describe());
        }
    }

    /** The size of the log segments already there, for STATUS until the log reports its own. */
    private static long logBytes(Path directory) throws IOException {
        long bytes = 0;
        try (DirectoryStream<Path> segments = Files.newDirectoryStream(directory, "wal-*.log")) {
            for (Path segment : segments) {
                bytes += Files.size(segment);
            }
        }
        return bytes;
    }

    private void snapshot(SnapshotContent content) {
        checkpoints.snapshot(content).whenComplete((info, failed) -> {
            if (info != null) {
                noteSnapshot(info);
            }
        });
    }

    private void noteSnapshot(SnapshotInfo info) {
        lastSnapshot = Optional.of(info);
        lastSnapshotTime = Optional.of(Instant.now());
    }

    /** What STATUS shows (docs/internals.md "STATUS"). */
    NodeStatus.Storage status() {
        return new NodeStatus.Storage(directory.path().toString(), fsync.optionName(), progress.logBytes(), logged,
                lastSnapshot.map(SnapshotInfo::index).orElse(null),
                lastSnapshotTime.map(Instant::toString).orElse(null), failure.orElse(null));
    }

    Path path() {
        return directory.path();
    }
}
