package tuplespace.node;

import static tuplespace.node.persistence.DataDirectory.describeHistory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import tuplespace.node.persistence.RecoveredTo;
import tuplespace.node.persistence.SnapshotContent;
import tuplespace.replication.BackupLog;
import tuplespace.replication.IncomingSnapshot;
import tuplespace.replication.Replicated;
import tuplespace.replication.ReplicatedState;
import tuplespace.replication.ReplicationInvariantException;
import tuplespace.replication.ReplicationMessage;
import tuplespace.space.TupleSpace;

/**
 * What a backup holds of its primary's state: built from the snapshot and the entries since (those that come while the
 * snapshot streams in are deferred until its pairs are in: {@link IncomingSnapshot}), each batch checked
 * against the primary's digest once the snapshot has ended, and with a data directory logged (the snapshot's state
 * first, then every entry after it). It decides which index may be acknowledged; sending the acknowledgement, and
 * everything else about the link, is {@link BackupNode}'s. On the node's loop.
 */
final class BackupCopy {

    private final Optional<NodeStorage> storage;
    private ReplicatedState state = new ReplicatedState(new TupleSpace());
    /** The snapshot streaming in, until its end: its pairs are loaded apart, and become {@link #state} then. */
    private IncomingSnapshot incoming;
    private BackupLog log = new BackupLog();
    /** The snapshot's end was applied and checked: from now on every batch is checked and acknowledged. */
    private boolean caughtUp;
    /** With a data directory: the state the snapshot ended with is on disk and the log goes on after it. */
    private boolean stateLogged;
    /** Entries after the snapshot's end that arrived before its state was on disk: logged right after it. */
    private final List<Replicated> unlogged = new ArrayList<>();
    /**
     * A primary that stepped down in a switchover and became this backup: it holds the state at this index already, so
     * the new primary resumes it ({@code SnapshotBegin} with {@code resume}) instead of sending a snapshot; -1 for none.
     */
    private long resumableAt = -1;
    /**
     * This copy is the state the backup recovered from its own data directory at start, and no primary's snapshot has
     * replaced it yet: a primary must not replace it with an older state ({@link #newerThan}).
     */
    private boolean recovered;
    /** For a {@link #recovered} copy: the highest epoch its directory recorded, and that epoch's primary (0: unknown). */
    private long recordedEpoch;
    private long recordedServer;
    /** The current snapshot is a resume: the state was kept, and (with a data directory) its log goes on as it was. */
    private boolean resumed;
    /** The server id of the primary this copy follows, from its snapshot's beginning; 0 for none. */
    private long followedServer;
    /** The line of states that primary's data directory belongs to ({@code SnapshotBegin}); 0 for none or unknown. */
    private long history;
    /**
     * Where that primary's state was recovered to from its data directory when it started; none for no such start. Kept
     * with the snapshot of its state in this backup's directory, and read back with a copy {@link #recovered} from it.
     */
    private RecoveredTo followedRecoveredTo = RecoveredTo.NONE;
    /**
     * How far that primary's log was forced to its disk, as its entries and heartbeats said; -1 while it said nothing,
     * or its answers do not wait for its disk.
     */
    private long forcedIndex = -1;

    BackupCopy(Optional<NodeStorage> storage) {
        this.storage = storage;
    }

    /**
     * The copy of a primary that stepped down (docs/design.md "Switchover"): {@code state}, which its replica, now the
     * primary, holds too at {@code index} of {@code epoch}.
     */
    static BackupCopy afterStepDown(Optional<NodeStorage> storage, ReplicatedState state, long epoch, long index) {
        BackupCopy copy = new BackupCopy(storage);
        copy.history = storage.map(NodeStorage::history).orElse(0L); // its own directory's, which its replica shares
        copy.state = state;
        copy.log.begin(epoch, index);
        copy.resumableAt = index;
        return copy;
    }

    /**
     * The copy a backup recovered from its own data directory at start: {@code state} after entry {@code index} of
     * {@code epoch}, whose primary had the server id {@code server} (0: unknown); the directory's highest epoch recorded
     * is {@code recordedEpoch}, of the primary {@code recordedServer}. With its primary on another machine, whose
     * survey of its own data directory cannot see this one, only this backup can tell that its directory is the
     * newer, as after a failover to it (docs/design.md "Failover"). {@code recoveredTo}: where the primary whose state
     * this is had recovered it to from its own directory, when the directory holds exactly the snapshot this backup
     * took of that state ({@link #holdsOnlyWhatItsPrimaryRecovered}); none otherwise.
     */
    static BackupCopy recovered(Optional<NodeStorage> storage, ReplicatedState state, long epoch, long index,
                                long server, long recordedEpoch, long recordedServer, RecoveredTo recoveredTo) {
        BackupCopy copy = new BackupCopy(storage);
        copy.followedRecoveredTo = recoveredTo;
        copy.history = storage.map(NodeStorage::history).orElse(0L);
        copy.followedServer = server;
        copy.recordedEpoch = recordedEpoch;
        copy.recordedServer = recordedServer;
        copy.state = state;
        copy.log.begin(epoch, index);
        copy.recovered = true;
        return copy;
    }

    /** True while this copy is the state recovered from the backup's own data directory ({@link #recovered}). */
    boolean recovered() {
        return recovered;
    }

    /**
     * True when no update ever reached this copy, nor a pair: nothing to lose, so any primary may replace it (a fresh
     * service whose first start gave it its empty state but never registered).
     */
    boolean holdsNothing() {
        return lastIndex() == 0 && size() == 0;
    }

    /** True when this copy holds a stepped-down primary's state, which only a resume at that index may use. */
    boolean resumable() {
        return resumableAt >= 0;
    }

    /** Why a resume at {@code index} cannot be taken, or empty when it can. */
    Optional<String> refusesResumeAt(long index) {
        if (resumableAt < 0) {
            return Optional.of("holds no state to resume");
        }
        return index == resumableAt ? Optional.empty() : Optional.of("holds the state at index " + resumableAt);
    }

    /**
     * Why the snapshot {@code begin} announces may not replace this copy, or empty when it may: the copy is newer, so the
     * snapshot would drop acknowledged writes that only this copy holds. So it is when the snapshot's state belongs to
     * another history (a data directory taken from another service), or to a lower epoch, or to the same epoch further
     * back, or to the same epoch number from another primary (a history apart from this copy's, however far it got),
     * except the same restart run again while this copy holds only what the first recovered
     * ({@link #holdsOnlyWhatItsPrimaryRecovered}). A
     * higher epoch comes after this copy's (epochs grow only by a promotion, or by a restart on a data directory that
     * recorded the epoch before): its state is the newer one even at a lower index, unless
     * <ul>
     *   <li>it is a restart (it recovered its state from its data directory) that lacks updates this copy holds and
     *       that may have been answered ({@link #fallsShortOfWhatWasAnswered}): a power cut took them from a log not
     *       forced before each answer, or the directory was restored from an older copy of itself. Updates it applied
     *       since it started do not make up for them.</li>
     * </ul>
     * A snapshot of this copy's own epoch and primary is that primary carrying on after a cut link: only one behind
     * this copy is refused.
     *
     * <p>A copy {@link #recovered} from the backup's own data directory is judged by {@link #recoveredNewerThan}.
     */
    Optional<String> newerThan(ReplicationMessage.SnapshotBegin begin) {
        long epoch = begin.epoch();
        long index = begin.index();
        String held = "holds a copy of epoch " + epoch() + " up to index " + lastIndex() + " (" + size() + " pairs)";
        if (history != 0 && begin.history() != 0 && begin.history() != history) {
            return Optional.of(held + " of data directory history " + describeHistory(history) + ", not that primary's "
                    + describeHistory(begin.history()) + " (a data directory of another service, or one created anew)");
        }
        if (holdsNothing()) {
            return Optional.empty();
        }
        if (recovered) {
            return recoveredNewerThan(begin, held);
        }
        if (epoch == epoch() && begin.primaryServer() != followedServer) {
            if (isTheSameRestartAgain(begin)) {
                return Optional.empty();
            }
            return Optional.of(held + " from another primary of that epoch number (a proxy restarted since remembers"
                    + " no epoch, and a server started without its data directory begins at epoch 1 again)");
        }
        if (epoch < epoch() || epoch == epoch() && index < lastIndex()) {
            return Optional.of(held);
        }
        if (epoch > epoch() && begin.recoveredIndex() >= 0) { // a restart: it recovered its state from its directory
            return fallsShortOfWhatWasAnswered(begin.recoveredIndex(), begin.mayLackAnswered(), held);
        }
        return Optional.empty();
    }

    /**
     * True when this copy is exactly the state its primary, restarted on its data directory, recovered: not even the
     * entry a restarted primary logs once the proxy has taken it and this backup has its state has arrived. A start
     * of that epoch number from another server that recovered at least as far along the same epoch of the same
     * primary ({@link RecoveredTo#reaches}) then loses nothing this copy holds, and is taken: the same start run again
     * after the proxy refused the first, or after it stopped unregistered. Its asking for the same epoch number says
     * its directory holds no record of that epoch (never written, or lost unforced), which is logged before any entry
     * of it: whatever the first start may have answered without this backup ({@code --replication async}) is in
     * neither copy, as after any failover of an async service.
     */
    private boolean holdsOnlyWhatItsPrimaryRecovered() {
        return followedRecoveredTo.isKnown() && lastIndex() == followedRecoveredTo.index();
    }

    /**
     * {@code begin} is a start of this copy's epoch number that recovered at least as far as the start whose state this
     * copy holds, and nothing more ({@link #holdsOnlyWhatItsPrimaryRecovered}): the same start run again.
     */
    private boolean isTheSameRestartAgain(ReplicationMessage.SnapshotBegin begin) {
        return begin.epoch() == epoch() && holdsOnlyWhatItsPrimaryRecovered()
                && recoveredTo(begin).reaches(followedRecoveredTo);
    }

    /**
     * {@link #newerThan} for a copy {@link #recovered} from the backup's own data directory, which knows the primary of
     * its last entry's epoch only as its directory recorded it with that epoch (0 when it recorded a later one since):
     * <ul>
     *   <li>the primary this directory last recorded ({@code recordedEpoch}, {@code recordedServer}), which it had
     *       judged before it stopped (and took a snapshot from, maybe not to its end), is taken;</li>
     *   <li>the same epoch number from another server is another history, however far it got, but for the same
     *       restart run again ({@link #holdsOnlyWhatItsPrimaryRecovered}, which the directory kept with the
     *       snapshot of that state);</li>
     *   <li>a primary promoted since (it did not recover its state from a directory) is newer at a higher epoch, and at
     *       the same epoch as far as it goes;</li>
     *   <li>a primary restarted on its own directory is compared by the two directories' last entries: in the same
     *       epoch number of two known primaries, they are two histories (refused); otherwise the later (epoch, index)
     *       is the newer, as the survey of one data directory orders its node directories. Its own epoch number tells
     *       nothing: a primary restarted on another machine takes the one above its own directory's highest, however
     *       far this backup went.</li>
     * </ul>
     */
    private Optional<String> recoveredNewerThan(ReplicationMessage.SnapshotBegin begin, String held) {
        if (begin.epoch() == recordedEpoch && begin.primaryServer() == recordedServer && recordedServer != 0
                || isTheSameRestartAgain(begin) && recordedEpoch == epoch()) { // and it saw no newer epoch since
            return Optional.empty();
        }
        if (begin.epoch() == epoch() && followedServer != 0 && begin.primaryServer() != followedServer) {
            return Optional.of(held + " from another primary of that epoch number (a proxy restarted since remembers"
                    + " no epoch, and a server restarted on another machine takes the number above its own directory's"
                    + " highest)");
        }
        if (begin.recoveredIndex() < 0) {
            return begin.epoch() < epoch() || begin.epoch() == epoch() && begin.index() < lastIndex()
                    ? Optional.of(held) : Optional.empty();
        }
        long recoveredIndex = begin.recoveredIndex();
        long recoveredEpoch = begin.recoveredEpoch();
        if (recoveredEpoch == epoch() && followedServer != 0 && begin.recoveredServer() != 0
                && begin.recoveredServer() != followedServer) {
            return Optional.of(held + ", recovered from its own data directory, whose last entries are of another"
                    + " primary of that epoch number than the state that primary recovered from its own (up to entry "
                    + recoveredIndex + ")");
        }
        if (lastIndex() == 0 && recoveredIndex == 0) {
            return Optional.empty(); // no entry on either side: a snapshot of the first state at most, the same one
        }
        // Ahead in the same epoch, even by entries that primary never answered: whether its directory was that epoch's
        // primary or only a backup that fell behind cannot be told here, so the copy is kept (PROMOTE serves it).
        boolean copyNewer = epoch() > recoveredEpoch || epoch() == recoveredEpoch && lastIndex() > recoveredIndex;
        return copyNewer ? Optional.of(held + ", recovered from its own data directory: newer than the state that"
                + " primary recovered from its own (entry " + recoveredIndex + " of epoch " + recoveredEpoch + ")")
                : Optional.empty();
    }

    /**
     * Why a server that recovered its data directory to {@code recovered} may lack updates answered that this copy
     * holds, or empty when it may not. When the primary this copy follows forced its log before each answer, and said
     * how far ({@link #forcedIndex}), a directory as that primary left it recovers at least that far. Otherwise (its
     * answers did not wait for its disk, or it said nothing yet; or the restarted server's own log is not forced before
     * each answer) any update this copy holds may have been answered.
     */
    private Optional<String> fallsShortOfWhatWasAnswered(long recovered, boolean mayLackAnswered, String held) {
        if (forcedIndex >= 0 && !mayLackAnswered) {
            return recovered < forcedIndex ? Optional.of(held + "; the primary it followed had forced its log to index "
                    + forcedIndex + ", and that server recovered its data directory only to index " + recovered
                    + ": the directory is not as that primary left it (restored from an older copy?)")
                    : Optional.empty();
        }
        return recovered < lastIndex() ? Optional.of(held + ", further than that primary recovered to (index "
                + recovered + ") from a log not forced before each answer (--fsync everysec or no), which a power cut"
                + " or an older copy of its directory may have left short of updates answered") : Optional.empty();
    }

    /** The primary this copy follows says its log was forced to {@code index} (-1: its answers do not wait for it). */
    void primaryForced(long index) {
        forcedIndex = Math.max(forcedIndex, index);
    }

    /** Drops what is held: a new snapshot makes this a copy again. */
    void clear() {
        state = new ReplicatedState(new TupleSpace());
        incoming = null;
        log = new BackupLog();
        caughtUp = false;
        stateLogged = false;
        resumed = false;
        unlogged.clear();
    }

    /**
     * A snapshot (or, with {@code resume}, the entries after the state held) of the primary of {@code epoch} begins at
     * {@code index}.
     */
    void begin(ReplicationMessage.SnapshotBegin begin) {
        long epoch = begin.epoch();
        long index = begin.index();
        boolean resume = begin.resume();
        followedServer = begin.primaryServer();
        history = begin.history();
        followedRecoveredTo = resume ? RecoveredTo.NONE : recoveredTo(begin);
        forcedIndex = -1;
        if (resume) {
            resumed = true;
            stateLogged = true; // the log holds every entry up to the index already: it goes on from there
        }
        resumableAt = -1;
        recovered = false;
        incoming = resume ? null : new IncomingSnapshot();
        log.begin(epoch, index);
    }

    void answers(ReplicationMessage.SnapshotAnswers chunk) {
        incoming("an answer table chunk").answers(chunk);
    }

    void pairs(ReplicationMessage.SnapshotPairs pairs) {
        incoming("snapshot pairs").pairs(pairs);
    }

    /** The snapshot streaming in; none after a resuming SnapshotBegin, or after the snapshot's end. */
    private IncomingSnapshot incoming(String what) {
        if (incoming == null) {
            throw new ReplicationInvariantException("expected no " + what + " " + (resumed
                    ? "after a resuming SnapshotBegin" : "after the snapshot's end") + ", found some");
        }
        return incoming;
    }

    /**
     * The snapshot's end: checks it against what came, and completes once its state is on disk (at once without a data
     * directory, or on a resume: the log held it already).
     *
     * @throws ReplicationInvariantException when the entries do not reach its index or the digests differ
     */
    CompletableFuture<?> end(ReplicationMessage.SnapshotEnd end) {
        if (log.lastIndex() != end.index()) {
            throw new ReplicationInvariantException("the snapshot ended at index " + end.index()
                    + " but the entries received reach index " + log.lastIndex());
        }
        if (incoming != null) {
            state = incoming.finish();
            incoming = null;
        }
        checkDigest(end.digest(), "the snapshot's end");
        caughtUp = true;
        if (storage.isPresent() && !resumed) {
            return storage.get().replaceState(SnapshotContent.take(state, log.lastIndex(), log.epoch(), history,
                    followedRecoveredTo));
        }
        return CompletableFuture.completedFuture(null);
    }

    /** The snapshot's state is on disk: the entries that came after it are logged now, and the log goes on. */
    void stateStored() {
        if (storage.isEmpty() || stateLogged) {
            return; // no data directory; or a resume: the log held the state already
        }
        stateLogged = true;
        storage.orElseThrow().append(unlogged);
        unlogged.clear();
    }

    /**
     * Applies a batch of entries (and logs it, once there is a state on disk to log after); once caught up, checks the
     * primary's digest after it. Returns true when the batch is to be acknowledged.
     *
     * @throws ReplicationInvariantException for a gap, a stale epoch or a digest that differs
     */
    boolean entries(ReplicationMessage.Entries entries) {
        primaryForced(entries.forcedIndex());
        for (Replicated entry : entries.entries()) {
            log.accept(entry);
            if (incoming != null) {
                incoming.defer(entry.change()); // the snapshot's pairs are as of its index: this comes after them
            } else {
                state.apply(entry.change());
            }
        }
        if (storage.isPresent() && (caughtUp || resumed)) { // else entries up to the snapshot's end are in its state
            if (stateLogged) {
                storage.get().append(entries.entries());
            } else {
                unlogged.addAll(entries.entries());
            }
        }
        if (caughtUp) {
            checkDigest(entries.digestAfter(), "index " + log.lastIndex());
        }
        return caughtUp;
    }

    private void checkDigest(long primaryDigest, String where) {
        if (state.space().digest() != primaryDigest) {
            throw new ReplicationInvariantException("the backup's digest " + state.space().digest()
                    + " differs from the primary's " + primaryDigest + " at " + where);
        }
    }

    /** The highest index applied, checked and (with a data directory) logged as the fsync mode requires; -1 for none. */
    long acknowledgeable() {
        if (!caughtUp) {
            return -1;
        }
        if (storage.isEmpty()) {
            return log.lastIndex();
        }
        if (!stateLogged) {
            return -1;
        }
        return storage.get().answersWaitForForce() ? Math.min(log.lastIndex(), storage.get().logged())
                : log.lastIndex();
    }

    /** The state after the last entry logged, to snapshot; empty while the primary's state is not on disk yet. */
    Optional<SnapshotContent> snapshotContent() {
        return stateLogged ? Optional.of(SnapshotContent.take(state, log.lastIndex(), log.epoch())) : Optional.empty();
    }

    /** The server id of the primary this copy follows; 0 for none. */
    long followedServer() {
        return followedServer;
    }

    ReplicatedState state() {
        return state;
    }

    long lastIndex() {
        return log.lastIndex();
    }

    long epoch() {
        return log.epoch();
    }

    long digest() {
        return state.space().digest();
    }

    long size() {
        return state.space().size();
    }

    /** Where the primary of {@code begin} recovered its state to from its data directory when it started. */
    private static RecoveredTo recoveredTo(ReplicationMessage.SnapshotBegin begin) {
        return new RecoveredTo(begin.recoveredIndex(), begin.recoveredEpoch(), begin.recoveredServer());
    }
}
