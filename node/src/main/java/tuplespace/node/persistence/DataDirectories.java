package tuplespace.node.persistence;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The node directories of one {@code --data-dir}, and which of them holds the newest state: after a total loss the
 * service restarts from that one. Newest means the highest (epoch of the last entry, index of the last entry), as a
 * Raft election compares logs: a later epoch's entries supersede whatever an older primary logged that was never
 * acknowledged. Reads only each directory's metadata, its newest snapshot's header and its log's records' first bytes,
 * and changes nothing (a torn tail is left for {@link Recovery} to truncate).
 */
public final class DataDirectories {

    /**
     * One node directory: its node id, the highest epoch it served or saw, where its state ends, and the history that
     * state belongs to (0: none recorded yet, a directory written before histories were).
     */
    public record NodeState(String nodeId, Path path, long highestEpoch, long lastEpoch, long lastIndex, long history) {

        /** It holds data: entries, or a snapshot of a state (one seeded from INIT_FILE ends at entry 0 of epoch 1). */
        public boolean holdsData() {
            return lastIndex > 0 || lastEpoch > 0;
        }

        /** "node-b: entry 1234 of epoch 3, highest epoch seen 4". */
        public String describe() {
            return path.getFileName() + ": entry " + lastIndex + " of epoch " + lastEpoch + ", highest epoch seen "
                    + highestEpoch;
        }
    }

    /** Every node directory found, and the newest. */
    public record Survey(List<NodeState> nodes) {

        private static final Comparator<NodeState> NEWEST_LAST = Comparator.comparingLong(NodeState::lastEpoch)
                .thenComparingLong(NodeState::lastIndex)
                .thenComparingLong(NodeState::highestEpoch)
                .thenComparing(NodeState::nodeId, Comparator.reverseOrder());

        public Survey {
            nodes = List.copyOf(nodes);
        }

        /** The directory with the newest state, if there is any directory. */
        public Optional<NodeState> newest() {
            return nodes.stream().max(NEWEST_LAST);
        }

        /** The highest epoch any node served or saw: a new primary must take a higher one. */
        public long highestEpoch() {
            return nodes.stream().mapToLong(node -> Math.max(node.highestEpoch(), node.lastEpoch())).max().orElse(0);
        }

        /** For the log: every directory and the choice, e.g. "node-a: entry 1200 of epoch 3, ...; newest: node-b". */
        public String describe() {
            if (nodes.isEmpty()) {
                return "no node directories yet";
            }
            return nodes.stream().map(NodeState::describe).collect(Collectors.joining("; "))
                    + "; newest: " + newest().orElseThrow().path().getFileName();
        }
    }

    /**
     * A node directory found under a root, before anything but its metadata was read, and how a REGISTER names it
     * ({@link DataDirectory#registerName()}; empty for a {@code node.meta} written before instances, not opened since).
     */
    public record Found(String nodeId, Path path, Optional<String> registerName) {
    }

    private DataDirectories() {
    }

    /**
     * Surveys the node directories under {@code root} (none when it does not exist).
     *
     * @throws DamagedFileException when one of them is damaged: choosing among the others could pick an older state
     */
    public static Survey survey(Path root) throws IOException {
        return survey(find(root));
    }

    /**
     * Surveys the directories {@link #find} found: reads each one's log to its end.
     *
     * @throws DamagedFileException when one of them is damaged, its message saying how far the others got and how far
     *                              the damaged one got at least: what an operator weighs before moving it away
     */
    public static Survey survey(List<Found> found) throws IOException {
        List<NodeState> nodes = new ArrayList<>();
        List<Path> damaged = new ArrayList<>();
        DamagedFileException firstDamage = null;
        for (Found directory : found) {
            try {
                nodes.add(state(directory.path()));
            } catch (DamagedFileException e) {
                firstDamage = firstDamage == null ? e : firstDamage;
                damaged.add(directory.path());
            }
        }
        if (firstDamage != null) {
            throw firstDamage.withContext(besideTheOthers(damaged.get(0), nodes, damaged.subList(1, damaged.size())));
        }
        refuseTwoHistories(nodes);
        return new Survey(nodes);
    }

    /**
     * Every node directory that holds data holds one service's: the same history. One of another (copied in from
     * another service's data directory, or kept from a service since created anew) could be chosen as the newest and
     * served, until the backup, holding the other history, refuses it. A directory that holds no data yet (a backup
     * that never stored its primary's snapshot, with which it takes its history) or records no history is no evidence
     * either way.
     */
    private static void refuseTwoHistories(List<NodeState> nodes) throws IOException {
        List<NodeState> holdingData = nodes.stream()
                .filter(node -> node.holdsData() && node.history() != 0).toList();
        if (holdingData.isEmpty()) {
            return;
        }
        NodeState first = holdingData.get(0);
        for (NodeState other : holdingData) {
            if (other.history() != first.history()) {
                Path root = first.path().getParent();
                throw new IOException("expected the node directories of " + root + " to hold one service's state,"
                        + " found two histories: " + first.describe() + " (history "
                        + DataDirectory.describeHistory(first.history()) + ") and " + other.describe() + " (history "
                        + DataDirectory.describeHistory(other.history()) + "); one of them was copied in from another"
                        + " service's data directory, or kept from before this service was created anew: move the one"
                        + " that does not belong out of " + root);
            }
        }
    }

    /**
     * How far the {@code damaged} directory got at least, from its files' names (its newest snapshot's index, the entry
     * before its last segment's first) and the entry its metadata records as forced to its log, against how far the
     * {@code others} got and which are {@code alsoDamaged}.
     * Index against index only: the epochs of the damaged directory's last entries are unknown, and a later epoch
     * supersedes a longer log of an earlier one, so the message states the facts and the rule, not a verdict.
     */
    private static String besideTheOthers(Path damaged, List<NodeState> others, List<Path> alsoDamaged)
            throws IOException {
        String name = damaged.getFileName().toString();
        String damagedToo = alsoDamaged.stream().map(path -> path.getFileName().toString())
                .collect(Collectors.joining(", "));
        if (others.isEmpty()) {
            return alsoDamaged.isEmpty()
                    ? "No other node directory holds a copy: restore the file rather than move " + name + " away."
                    : "The other node directories are damaged too (" + damagedToo + "): restore the files.";
        }
        long atLeast = 0;
        List<DataFiles.Numbered> snapshots = DataFiles.snapshots(damaged);
        List<DataFiles.Numbered> segments = DataFiles.segments(damaged);
        if (!snapshots.isEmpty()) {
            atLeast = snapshots.get(snapshots.size() - 1).index();
        }
        if (!segments.isEmpty()) {
            atLeast = Math.max(atLeast, segments.get(segments.size() - 1).index() - 1);
        }
        atLeast = Math.max(atLeast, recordedAsLogged(damaged));
        String theirs = others.stream().map(NodeState::describe).collect(Collectors.joining("; "))
                + (alsoDamaged.isEmpty() ? "" : "; damaged too: " + damagedToo);
        long furthest = others.stream().mapToLong(NodeState::lastIndex).max().orElse(0);
        String got = "The other node directories: " + theirs + ". " + name + " got to entry " + atLeast
                + " at least (from its files' names and node.meta)";
        if (atLeast > furthest) {
            return got + ", past them: moving it away loses its entries after " + furthest + " unless those are of an"
                    + " older epoch than the other's last (a later epoch supersedes them); if unsure, restore the file.";
        }
        return got + ": move it away only if you know the newest state is among the others.";
    }

    /** The entry {@code directory}'s metadata records as forced to its log; 0 when none, or it cannot be read. */
    private static long recordedAsLogged(Path directory) {
        try {
            return NodeMeta.read(directory).logged().map(NodeMeta.Logged::index).orElse(0L);
        } catch (IOException e) {
            return 0; // the damage may be the metadata file's own: the files' names say what they can
        }
    }

    /**
     * The node directories under {@code root} (none when it does not exist), by node id, reading only their metadata.
     *
     * @throws DamagedFileException when a metadata file is damaged, or missing beside a log or snapshot
     * @throws IOException          when a directory holds a node's files under another name than {@code node-<id>}
     *                              ({@code node-a.bak}): a node is opened by its name, so its state would be neither
     *                              recovered nor noticed, and a newer one chosen from it would start empty instead
     */
    public static List<Found> find(Path root) throws IOException {
        List<Found> found = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(root, DataDirectory.PREFIX + "*")) {
            for (Path child : children) {
                if (Files.isDirectory(child) && Files.exists(child.resolve(NodeMeta.FILE_NAME))) {
                    NodeMeta meta = NodeMeta.read(child);
                    String nodeId = meta.nodeId();
                    String name = DataDirectory.PREFIX + nodeId;
                    if (!child.getFileName().toString().equals(name)) {
                        throw new IOException("expected each node directory of " + root + " named after the node its "
                                + NodeMeta.FILE_NAME + " names, found " + child.getFileName() + " holding node "
                                + nodeId + "'s files: rename it back to " + name + ", or move it out of " + root
                                + " (a copy set aside inside it would be neither recovered nor noticed)");
                    }
                    found.add(new Found(nodeId, child, meta.registerName()));
                } else if (Files.isDirectory(child) && DataDirectory.holdsStateWithoutMeta(child)) {
                    // skipped, it let an older directory be chosen and served
                    throw DataDirectory.missingMeta(child,
                            child.getFileName().toString().substring(DataDirectory.PREFIX.length()));
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        found.sort(Comparator.comparing(Found::nodeId));
        return found;
    }

    /** What the survey would say of {@code directory}, from its recovery, which read its log to the end too. */
    public static NodeState recovered(DataDirectory directory, Recovered recovered) {
        return new NodeState(directory.nodeId(), directory.path(), recovered.highestEpoch(), recovered.lastEpoch(),
                recovered.lastIndex(), directory.history());
    }

    private static NodeState state(Path directory) throws IOException {
        NodeMeta meta = NodeMeta.read(directory);
        Optional<SnapshotInfo> snapshot = SnapshotFile.newest(directory, meta.snapshot());
        LogReader.Tail tail = LogReader.peek(directory, snapshot.map(SnapshotInfo::index).orElse(0L),
                snapshot.map(SnapshotInfo::epoch).orElse(0L));
        LogReader.requireReaches(directory, meta.logged(), tail);
        return new NodeState(meta.nodeId(), directory, Math.max(meta.highestEpoch(), tail.lastEpoch()), tail.lastEpoch(),
                tail.lastIndex(), meta.history());
    }
}
