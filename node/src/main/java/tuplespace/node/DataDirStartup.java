package tuplespace.node;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.node.persistence.ChannelOpener;
import tuplespace.node.persistence.DamagedFileException;
import tuplespace.node.persistence.DataDirectories;
import tuplespace.node.persistence.DataDirectory;
import tuplespace.node.persistence.LogReadAhead;
import tuplespace.space.IoFailure;
import tuplespace.node.persistence.Recovered;
import tuplespace.node.persistence.Recovery;
import tuplespace.node.persistence.SnapshotContent;
import tuplespace.node.persistence.SnapshotFile;
import tuplespace.node.persistence.SnapshotInfo;
import tuplespace.replication.ReplicatedState;
import tuplespace.space.TupleSpace;

/**
 * Start-up from {@code --data-dir DIR} (blocks; runs before the node serves). The primary surveys the node directories
 * of DIR and takes the one with the newest state, whichever node was primary last (after a failover the promoted
 * backup's), recovers it, and serves with an epoch above every epoch any directory recorded: a proxy that outlived the
 * service accepts it. The epoch is not recorded here (INIT_FILE's snapshot aside): the primary records it once the
 * proxy accepted it ({@code PrimaryNode#recordStartedEpoch}), so that a start the proxy refuses takes it again. Its
 * backup gets the other directory, whose older files its resync replaces. INIT_FILE seeds an empty DIR only: with a
 * non-empty one the start is refused, never a silent choice.
 */
final class DataDirStartup {

    private static final Logger LOG = LoggerFactory.getLogger(DataDirStartup.class);
    /** A primary with an empty DIR is node {@code a}; its first backup node {@code b}. */
    static final String FIRST_NODE_ID = "a";

    /**
     * The directory opened (and locked), what was recovered from it, the epoch to serve as primary, and the names
     * ({@link DataDirectory#registerName()}) of the node directories whose state this start compared before it took
     * the newest, the opened one first.
     */
    record Opened(DataDirectory directory, Recovered recovered, long epoch, List<String> compared) {
    }

    /**
     * A backup its primary started finds its node directory held by another process: a backup that outlived an earlier
     * primary, which the primary keeps once it reaches it. The usual course of a restart after a primary's loss, not a
     * failure: it exits, saying so, short of an error.
     */
    static final class GivesWay extends IOException {
        private static final long serialVersionUID = 1L;

        GivesWay(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Start-up refused: the message says what to do. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private DataDirStartup() {
    }

    /**
     * The primary's start: the newest node directory, recovered; or, with INIT_FILE ({@code initial}) and an empty
     * DIR, a directory holding INIT_FILE's space as its first snapshot.
     */
    static Opened primary(Path root, Optional<Path> initFile, Optional<TupleSpace> initial) throws IOException, Refused {
        return primary(root, initFile, initial, () -> { }, LogReadAhead.none());
    }

    /**
     * The same, running {@code idleWork} where the recovery would first wait, and taking the directory's lock, the
     * log's reading and the snapshot loaded from {@code readAhead} when that read the directory recovered
     * ({@link Recovery#recover}).
     */
    static Opened primary(Path root, Optional<Path> initFile, Optional<TupleSpace> initial, Runnable idleWork,
                          LogReadAhead readAhead) throws IOException, Refused {
        List<DataDirectories.Found> found = DataDirectories.find(root);
        // With one node directory (a host with a data directory of its own) there is nothing to choose: its recovery
        // reads its log to the end anyway, and reading it a first time for the survey was a tenth of a restart. With
        // several, each one's log is read to its end to find the newest before it is recovered.
        Optional<DataDirectories.Survey> survey = found.size() > 1 || initFile.isPresent()
                ? Optional.of(DataDirectories.survey(found)) : Optional.empty();
        if (initFile.isPresent()) {
            refuseIfHoldingData(root, initFile.get(), survey.orElseThrow());
        }
        String nodeId = survey.flatMap(DataDirectories.Survey::newest).map(DataDirectories.NodeState::nodeId)
                .or(() -> found.stream().findFirst().map(DataDirectories.Found::nodeId))
                .orElse(FIRST_NODE_ID);
        // what was chosen is logged before the recovery, which may fail; a lone directory's state only after it
        survey.ifPresent(surveyed -> LOG.info("data directory {}: {}", root.toAbsolutePath(), surveyed.describe()));
        DataDirectory directory = open(root, nodeId, readAhead);
        try {
            Recovered recovered = Recovery.recover(directory, idleWork, readAhead);
            DataDirectories.Survey surveyed = survey.orElseGet(() -> new DataDirectories.Survey(found.isEmpty()
                    ? List.of() : List.of(DataDirectories.recovered(directory, recovered))));
            if (survey.isEmpty()) {
                LOG.info("data directory {}: {}", root.toAbsolutePath(), surveyed.describe());
            }
            // the recovered highest epoch is the directory's recorded one or its last entry's, whichever is higher
            long epoch = Math.max(surveyed.highestEpoch(), recovered.highestEpoch()) + 1;
            List<String> compared = Stream.concat(Stream.of(directory.registerName()), found.stream()
                    .filter(other -> !other.nodeId().equals(nodeId))
                    .flatMap(other -> comparedName(root, other).stream())).toList();
            return new Opened(directory, initial.isPresent() ? seeded(directory, initial.get(), epoch) : recovered,
                    epoch, compared);
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    /** How another node directory of DIR is named in the REGISTER; a WARN when its node.meta has no instance. */
    private static Optional<String> comparedName(Path root, DataDirectories.Found other) {
        if (other.registerName().isEmpty()) {
            LOG.warn("data directory {}: node-{} has no instance in its node.meta yet (written before instances, not"
                    + " opened since); the proxy, if it waits for that directory, refuses this start",
                    root.toAbsolutePath(), other.nodeId());
        }
        return other.registerName();
    }

    /**
     * Refuses INIT_FILE beside a DIR holding data before INIT_FILE is read: a file of millions of pairs took seconds to
     * load only to be refused.
     */
    static void refuseInitFileBesideData(Path root, Path initFile) throws IOException, Refused {
        refuseIfHoldingData(root, initFile, DataDirectories.survey(root));
    }

    /** INIT_FILE seeds an empty DIR only: beside a DIR holding data the start is refused, never a silent choice. */
    private static void refuseIfHoldingData(Path root, Path initFile, DataDirectories.Survey survey) throws Refused {
        List<DataDirectories.NodeState> holdingData = survey.nodes().stream()
                .filter(DataDirectories.NodeState::holdsData).toList();
        if (!holdingData.isEmpty()) {
            throw new Refused("both INIT_FILE " + initFile + " and a --data-dir holding data were given ("
                    + holdingData.stream().map(DataDirectories.NodeState::describe).collect(Collectors.joining("; "))
                    + " in " + root + "): to restart from the data directory give INIT_FILE null; to start from INIT_FILE"
                    + " move " + root + " away (or give another --data-dir)");
        }
    }

    /**
     * The backup's start: its own directory ({@code --node-id}), recovered only to go on logging after it.
     * {@code child}: started by its primary on this machine, rather than by an operator.
     */
    static Opened backup(Path root, String nodeId, boolean child) throws IOException {
        return backup(root, nodeId, child, LogReadAhead.none());
    }

    /** The same, taking the lock, the log's reading and the snapshot from {@code readAhead} when it read this one. */
    static Opened backup(Path root, String nodeId, boolean child, LogReadAhead readAhead) throws IOException {
        DataDirectory directory;
        try {
            directory = open(root, nodeId, readAhead);
        } catch (DataDirectory.InUse inUse) {
            if (!child) {
                throw inUse; // its message names the process that holds it and says what to do
            }
            // a child whose primary found a backup that outlived an earlier primary on BACKUP_SAP: that one is kept
            throw new GivesWay(inUse.held() + ". A backup that"
                    + " outlived an earlier primary holds it: the primary that started this one keeps that backup when"
                    + " it reaches it on BACKUP_SAP, and this one exits (if that process is no such backup, stop it:"
                    + " the primary's next start of a backup then takes the directory)", inUse);
        }
        try {
            Recovered recovered = Recovery.recover(directory, () -> { }, readAhead);
            return new Opened(directory, recovered, recovered.highestEpoch(), List.of(directory.registerName()));
        } catch (IOException | RuntimeException e) {
            directory.close();
            if (!child || !(e instanceof DamagedFileException damaged)) {
                throw e;
            }
            // Its primary serves from the other directory: the newest its start found (DataDirectories.survey reads
            // node.meta and the logs, not a snapshot's pairs, so it passed this damage by), or the state it took over,
            // which a resync of this one would take anyway. Moved away, this one comes back empty at the primary's
            // next start of a backup, which takes the primary's whole state; each start of it as it is fails the same
            // way. In place of the damage's own advice (move the file away, start from the peer's directory), which a
            // tester followed to a second refusal.
            throw damaged.withAdvice("This backup's primary serves from the other node directory (the newest its"
                    + " start found, or the state it took over) and gives a new backup its whole state: move "
                    + directory.path() + " out of " + root + " (keep it until the backup is live), and the primary's"
                    + " next start of a backup begins afresh");
        }
    }

    private static DataDirectory open(Path root, String nodeId, LogReadAhead readAhead) throws IOException {
        try {
            return DataDirectory.open(root, nodeId, readAhead);
        } catch (DataDirectory.InUse | DataDirectory.NotADataDirectory e) {
            throw e; // its message names the directory and says what to do
        } catch (IOException e) {
            throw new IOException("cannot use node directory " + root.resolve("node-" + nodeId) + ": "
                    + IoFailure.describe(e), e);
        }
    }

    /** INIT_FILE's space becomes the directory's first snapshot (index 0): the log then goes on after it. */
    private static Recovered seeded(DataDirectory directory, TupleSpace space, long epoch) throws IOException {
        SnapshotInfo info = SnapshotFile.write(directory.path(), new SnapshotContent(0, epoch, 0, space.snapshot(),
                List.of()), ChannelOpener.DEFAULT);
        directory.recordSnapshot(info, 0); // a start that does not find it refuses: the log after it holds none of its pairs
        LOG.info("{}: INIT_FILE's {} pairs written as snapshot {}", directory, info.pairs(), info.file().getFileName());
        return new Recovered(new ReplicatedState(space), 0, epoch, 0, epoch, Optional.of(info), List.of());
    }
}
