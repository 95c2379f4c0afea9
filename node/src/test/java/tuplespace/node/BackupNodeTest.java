package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.node.NodeTestSupport.NO_SUCH_PID;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tuplespace.codec.Utf8Text;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.frame.FrameCodec;
import tuplespace.node.NodeTestSupport.FakeTicker;
import tuplespace.node.NodeTestSupport.RawLink;
import tuplespace.replication.Change;
import tuplespace.replication.Replicated;
import tuplespace.replication.ReplicationMessage;
import tuplespace.space.Effect;
import tuplespace.space.TupleSpace;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/**
 * A real {@link BackupNode} in this JVM, driven by the test as its primary over loopback. The "primary" pid is a
 * {@code sleep} process of the test's own: fencing would kill it, so its being alive proves no fencing happened.
 */
@Timeout(90)
class BackupNodeTest {

    @TempDir
    Path directory;
    private final FakeTicker ticker = new FakeTicker();
    private final List<Socket> heartbeatLinks = new CopyOnWriteArrayList<>();
    private Process primaryStandIn;
    private Path events;
    private NodeConfig config;
    private ServerNode node;
    private CompletableFuture<Integer> exit;
    private ServerSocket heartbeatSap;
    private RawLink link;
    private final String roleBefore = System.getProperty(ServerNode.ROLE_PROPERTY);
    /** The server id of the primary the test plays, and of another one. */
    private static final long PRIMARY_SERVER = 0x51;
    private static final long OTHER_SERVER = 0x52;
    /** The data directory history of the primary this backup follows. */
    private static final long HISTORY = 0x4157;
    /**
     * How long this backup, started by a primary, waits for that primary to connect (--backup-orphan-timeout) in the
     * tests tagged {@value #ORPHAN_TAG}; the others keep the default 30 s, so a slow start fails none of them.
     */
    private static final Duration ORPHAN_TIMEOUT = Duration.ofSeconds(3);
    private static final String ORPHAN_TAG = "orphan-timeout";
    private long startedNanos;

    @BeforeEach
    void startBackup(TestInfo test) throws IOException {
        primaryStandIn = new ProcessBuilder("sleep", "300").start();
        events = directory.resolve("events");
        config = NodeTestSupport.config(OptionalLong.of(primaryStandIn.pid()), events, Optional.empty(),
                test.getTags().contains(ORPHAN_TAG) ? ORPHAN_TIMEOUT : Duration.ofSeconds(30));
        heartbeatSap = new ServerSocket();
        heartbeatSap.bind(config.heartbeatSap());
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    heartbeatLinks.add(heartbeatSap.accept()); // held open; what the backup sends is not read
                }
            } catch (IOException closed) {
                // the test is over
            }
        }, "heartbeat-sap");
        acceptor.setDaemon(true);
        acceptor.start();
        node = new ServerNode(config, new CodecRequestEvaluator(), new NodeTestSupport.MemoryPersistence(), ticker,
                (c, pid) -> {
                    throw new IOException("no backup children in this test");
                });
        startedNanos = System.nanoTime();
        node.start(new TupleSpace());
        exit = CompletableFuture.supplyAsync(node::awaitExit);
    }

    @AfterEach
    void stopEverything() throws IOException {
        if (!exit.isDone()) {
            node.exit(99);
        }
        exit.orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> -1).join();
        if (link != null) {
            link.close();
        }
        heartbeatSap.close();
        for (Socket socket : heartbeatLinks) {
            socket.close();
        }
        primaryStandIn.destroyForcibly();
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        if (roleBefore == null) {
            System.clearProperty(ServerNode.ROLE_PROPERTY);
        } else {
            System.setProperty(ServerNode.ROLE_PROPERTY, roleBefore);
        }
    }

    private void beginSnapshot() throws IOException, InterruptedException {
        link = RawLink.connect(config.backupSap());
        link.send(new ReplicationMessage.SnapshotBegin(1, 0, primaryStandIn.pid(), PRIMARY_SERVER,
                NodeNetwork.describe(config.heartbeatSap()), false, false, HISTORY, -1, 0, 0));
    }

    private ReplicationMessage.Ack catchUp(TupleSpace primarySpace) throws IOException, InterruptedException {
        beginSnapshot();
        link.send(ReplicationMessage.SnapshotPairs.of(List.copyOf(primarySpace.pairs())));
        link.send(new ReplicationMessage.SnapshotEnd(0, primarySpace.digest()));
        return (ReplicationMessage.Ack) link.readSkippingHeartbeats();
    }

    /** Waits (bounded) until the node has run its --notify command for {@code event}. */
    private void awaitEvent(String event) throws InterruptedException {
        NodeTestSupport.await(() -> {
            try {
                return NodeTestSupport.events(events).contains(event);
            } catch (IOException e) {
                return false;
            }
        }, "the " + event + " operator event");
    }

    private int exitStatus() {
        return exit.orTimeout(30, TimeUnit.SECONDS).join();
    }

    @Test
    void aSnapshotEndWithoutHeartbeatsYetIsNoFailure() throws Exception {
        ReplicationMessage.Ack ack = catchUp(new TupleSpace());
        assertThat(ack.index()).isZero();
        // The backup beats on the replication link too: the primary hears it before the heartbeat link is adopted.
        assertThat(link.read()).isInstanceOf(ReplicationMessage.Heartbeat.class);

        // 30 intervals of silence right after the snapshot's end: the primary's heartbeats have not started yet.
        ticker.advance(Duration.ofSeconds(3));
        ticker.awaitReads(5);

        link.send(new ReplicationMessage.Stop("end of test"));
        assertThat(exitStatus()).isZero();
        assertThat(primaryStandIn.isAlive()).as("the healthy primary was not fenced").isTrue();
        assertThat(NodeTestSupport.events(events)).doesNotContain("primary_failed");
    }

    /**
     * The backup's own loop stands still (a collection, a loaded machine) while its clock runs on past the miss
     * allowance with no heartbeat read: the silence is its own, so its late tick puts the verdict off, and a primary
     * heard again within the window after the standstill is no failure.
     */
    @Test
    void aSilenceWhileTheBackupsOwnLoopStoodStillIsNoFailureWhenThePrimaryIsHeardRightAfter() throws Exception {
        catchUp(new TupleSpace());
        standStill();
        link.send(new ReplicationMessage.Heartbeat(PRIMARY_SERVER, 0));
        ticker.awaitReads(15); // 1.5 s of ticks on time: past the window of 10 × 100 ms after the standstill

        assertThat(NodeTestSupport.events(events)).doesNotContain("primary_failed");
        assertThat(exit).as("the backup still follows its primary").isNotDone();
    }

    @Test
    void aSilenceThatGoesOnForAWindowAfterTheBackupsOwnLoopStoodStillIsAFailure() throws Exception {
        catchUp(new TupleSpace());
        long resumed = standStill();
        awaitEvent("primary_failed");
        assertThat(Duration.ofNanos(System.nanoTime() - resumed)).as("judged once the loop ran on time for a window")
                .isGreaterThanOrEqualTo(Duration.ofMillis(1_000));
    }

    /**
     * The node's loop runs nothing for 600 ms (six heartbeat intervals) while 12 s pass on its ticker, past both the
     * first-contact grace (10 s) and the miss allowance, with nothing heard; returns when it ran its first tick after
     * that, with {@code System.nanoTime()} at the standstill's end.
     */
    private long standStill() throws InterruptedException {
        java.util.concurrent.CountDownLatch over = new java.util.concurrent.CountDownLatch(1);
        long[] resumed = new long[1];
        node.loop().execute(() -> {
            ticker.advance(PeerHeartbeats.FIRST_CONTACT_GRACE.plusSeconds(2));
            try {
                Thread.sleep(600);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            resumed[0] = System.nanoTime();
            over.countDown();
        });
        assertThat(over.await(30, TimeUnit.SECONDS)).isTrue();
        ticker.awaitReads(1); // its late heartbeat tick
        return resumed[0];
    }

    @Test
    void aPrimaryLostBeforeTheSnapshotEndsIsNeitherFencedNorReplaced() throws Exception {
        beginSnapshot();
        link.send(ReplicationMessage.SnapshotPairs.of(List.of(new Pair(Tuple.parse("user,1"), Tuple.parse("alice")))));
        link.close(); // the primary is gone before the snapshot's end

        assertThat(exitStatus()).isEqualTo(1);
        assertThat(primaryStandIn.isAlive()).as("a backup without a complete copy fences nobody").isTrue();
        awaitEvent("takeover_refused");
        assertThat(NodeTestSupport.events(events)).doesNotContain("primary_failed");
    }

    /**
     * A backup that lost its primary waits for the proxy to promote it: it says so when it follows at a proxy; says no
     * proxy answers when none does (a service whose proxy is not up yet), since nothing happens until one does; and
     * says the proxy promotes nobody here when the proxy told it a newer epoch serves (STALE_EPOCH).
     */
    @ParameterizedTest(name = "the proxy: {0}")
    @ValueSource(strings = {"following", "none", "stale"})
    void aBackupThatLostItsPrimarySaysWhatTheProxyWillDo(String proxyState) throws Exception {
        try (ServerSocket proxy = new ServerSocket()) {
            proxy.bind(config.proxySap());
            if (proxyState.equals("none")) {
                proxy.close();
            }
            catchUp(new TupleSpace());
            if (proxyState.equals("none")) {
                link.close();
                awaitEvent("primary_failed");
            } else {
                try (Socket follow = proxy.accept()) {
                    java.io.DataInputStream in = new java.io.DataInputStream(follow.getInputStream());
                    in.readFully(new byte[in.readInt()]); // FOLLOW
                    if (proxyState.equals("stale")) {
                        sendFrame(follow, new Frame.StaleEpoch(7));
                        assertThat(in.read()).as("the backup stops following: its link closes").isNegative();
                    }
                    link.close();
                    awaitEvent("primary_failed");
                }
            }
        }
        String waiting = "primary pid " + primaryStandIn.pid() + " too (that pid is killed then)";
        assertThat(NodeTestSupport.events(events)).contains(switch (proxyState) {
            case "following" -> "waiting: the proxy promotes this backup if it lost " + waiting;
            case "none" -> "waiting: no proxy answers at " + NodeNetwork.describe(config.proxySap()) + " now: if it"
                    + " comes back having lost primary pid " + primaryStandIn.pid() + " too, it promotes this backup"
                    + " (that pid is killed then); a proxy started anew knows no replica and promotes it only when told"
                    + " to (./tuplespace promote PROXY_SHUTDOWN_SAP)";
            default -> "waiting: the proxy has seen epoch 7, newer than this copy's, and promotes nobody here: a"
                    + " primary of that epoch sends this backup a new snapshot";
        });
    }

    /** {@code frame}, length first, as the proxy writes frames. */
    private static void sendFrame(Socket socket, Frame frame) throws IOException {
        io.netty.buffer.ByteBuf buffer = io.netty.buffer.Unpooled.buffer();
        FrameCodec.encodeWithLength(frame, buffer);
        byte[] bytes = new byte[buffer.readableBytes()];
        buffer.readBytes(bytes);
        buffer.release();
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    @Test
    void entriesReadInOneBatchAreAcknowledgedCumulativelyOnlyOnceApplied() throws Exception {
        catchUp(new TupleSpace());
        TupleSpace primarySpace = new TupleSpace();
        List<ReplicationMessage.Entries> batches = new java.util.ArrayList<>();
        List<Long> digests = new java.util.ArrayList<>(List.of(primarySpace.digest()));
        for (int index = 1; index <= 5; index++) {
            Effect effect = new Effect(List.of(), List.of(Pair.of("user," + index, "v")));
            primarySpace.applyEffect(effect);
            digests.add(primarySpace.digest());
            batches.add(new ReplicationMessage.Entries(List.of(new Replicated(1, index,
                    new Change.Applied(9, index, 0, effect, Utf8Text.of("ok\n")))), primarySpace.digest(), -1));
        }
        link.sendTogether(batches);

        List<ReplicationMessage.Ack> acks = new java.util.ArrayList<>();
        do {
            acks.add((ReplicationMessage.Ack) link.readSkippingHeartbeats());
        } while (acks.get(acks.size() - 1).index() < 5);
        long previous = 0;
        for (ReplicationMessage.Ack ack : acks) {
            // Each ack names an index already applied here: its digest is the primary's at that very index.
            assertThat(ack.index()).isGreaterThan(previous).isLessThanOrEqualTo(5);
            assertThat(ack.digest()).isEqualTo(digests.get((int) ack.index()));
            previous = ack.index();
        }
        assertThat(acks).as("one cumulative ack per read batch, not one per message").hasSizeLessThan(5);

        link.send(new ReplicationMessage.Stop("end of test"));
        assertThat(exitStatus()).isZero();
    }

    /**
     * A backup whose primary is gone holds every acknowledged write. A primary with an older state must not replace
     * that copy with its snapshot: a lower epoch; the same epoch number from another primary (a fresh server beside a
     * restarted proxy begins at epoch 1 again), even further on; a higher epoch recovered from an unforced log that
     * ends before this copy. Each is refused, with the reason, and the copy stays; nor does a stop from a stranger end
     * the backup. A primary of a higher epoch is taken.
     */
    @Test
    void aBackupThatLostItsPrimaryRefusesTheSnapshotOfAnOlderStateAndKeepsItsCopy() throws Exception {
        TupleSpace primarySpace = new TupleSpace();
        catchUp(primarySpace);
        List<ReplicationMessage.Entries> batches = new java.util.ArrayList<>();
        for (int index = 1; index <= 3; index++) {
            Effect effect = new Effect(List.of(), List.of(Pair.of("user," + index, "v")));
            primarySpace.applyEffect(effect);
            batches.add(new ReplicationMessage.Entries(List.of(new Replicated(1, index,
                    new Change.Applied(9, index, 0, effect, Utf8Text.of("ok\n")))), primarySpace.digest(),
                    index - 1)); // --fsync always: how far the primary's log was forced before this batch
        }
        link.sendTogether(batches);
        ReplicationMessage.Ack ack;
        do {
            ack = (ReplicationMessage.Ack) link.readSkippingHeartbeats();
        } while (ack.index() < 3);
        link.close();
        awaitEvent("primary_failed");

        for (ReplicationMessage.SnapshotBegin older : List.of(
                new ReplicationMessage.SnapshotBegin(1, 0, NO_SUCH_PID, OTHER_SERVER, "127.0.0.1:1", false, false,
                        HISTORY, -1, 0, 0),
                new ReplicationMessage.SnapshotBegin(1, 9, NO_SUCH_PID, OTHER_SERVER, "127.0.0.1:1", false, false,
                        HISTORY, -1, 0, 0),
                new ReplicationMessage.SnapshotBegin(0, 7, NO_SUCH_PID, OTHER_SERVER, "127.0.0.1:1", false, false,
                        HISTORY, -1, 0, 0),
                new ReplicationMessage.SnapshotBegin(2, 1, NO_SUCH_PID, OTHER_SERVER, "127.0.0.1:1", false, true,
                        HISTORY, 1, 0, 0),
                new ReplicationMessage.SnapshotBegin(2, 6, NO_SUCH_PID, OTHER_SERVER, "127.0.0.1:1", false, false,
                        HISTORY, 1, 0, 0),
                new ReplicationMessage.SnapshotBegin(7, 90, NO_SUCH_PID, OTHER_SERVER, "127.0.0.1:1", false, false,
                        0x7777, 90, 0, 0))) {
            try (RawLink fresh = RawLink.connect(config.backupSap())) {
                fresh.send(older);
                assertThat(fresh.readSkippingHeartbeats()).as("the answer to " + older)
                        .isInstanceOfSatisfying(ReplicationMessage.Refused.class, refused -> assertThat(refused.reason())
                                .contains("holds a copy of epoch 1 up to index 3 (3 pairs)").contains("promote it")
                                .contains(older.history() != HISTORY ? "a data directory of another service"
                                        : older.mayLackAnswered() ? "--fsync everysec or no"
                                        : older.recoveredIndex() >= 0 ? "forced its log to index 2, and that server"
                                                + " recovered its data directory only to index 1"
                                        : older.epoch() == 1 ? "from another primary of that epoch number"
                                        : "pairs), and keeps it"));
                assertThat(fresh.closesWithin(Duration.ofSeconds(5))).as("the refused link closes").isTrue();
            }
        }
        try (RawLink stranger = RawLink.connect(config.backupSap())) {
            // a primary that never synced it, shutting down while its own child still starts, reaches it instead
            stranger.send(new ReplicationMessage.Stop("the service shuts down"));
            assertThat(stranger.closesWithin(Duration.ofSeconds(5))).isTrue();
        }
        assertThat(exit).as("the backup waits on").isNotDone();

        // a higher epoch is a primary that came after this copy's (promoted, or restarted on a data directory that
        // recorded this epoch): taken, even at a lower index, unless it recovered from a log not forced before each
        // answer (refused above)
        TupleSpace newer = new TupleSpace();
        newer.applyEffect(new Effect(List.of(), List.of(Pair.of("user,9", "w"))));
        link = RawLink.connect(config.backupSap());
        link.send(new ReplicationMessage.SnapshotBegin(2, 1, primaryStandIn.pid(), OTHER_SERVER,
                NodeNetwork.describe(config.heartbeatSap()), false, false, HISTORY, -1, 0, 0));
        link.send(ReplicationMessage.SnapshotPairs.of(List.copyOf(newer.pairs())));
        link.send(new ReplicationMessage.SnapshotEnd(1, newer.digest()));
        ReplicationMessage.Ack again = (ReplicationMessage.Ack) link.readSkippingHeartbeats();
        assertThat(again.index()).isEqualTo(1);
        assertThat(again.digest()).isEqualTo(newer.digest());
        link.send(new ReplicationMessage.Stop("end of test"));
        assertThat(exitStatus()).isZero();
    }

    /**
     * A primary restarted on its data directory gave this backup its recovered state and was lost before it served
     * (the proxy refused it, or it stopped before registering): the copy holds no entry of its epoch, so it answered
     * nothing. The same start run again — another server id, the same epoch number, since the directory records an
     * epoch only once the proxy takes it — is taken when it recovered at least as far along the same epoch of the same
     * primary. One that recovered less is refused, and so is any once the copy holds an entry of that epoch (the one a
     * restarted primary logs once the proxy took it, or a write).
     */
    @ParameterizedTest(name = "the copy holds an entry of its epoch: {0}")
    @ValueSource(booleans = {false, true})
    void anotherStartOfARestartedPrimaryThatNeverServedIsTakenAtTheSameEpoch(boolean servedAnEntry) throws Exception {
        TupleSpace recovered = new TupleSpace();
        recovered.applyEffect(new Effect(List.of(), List.of(Pair.of("user,1", "v"))));
        String heartbeat = NodeNetwork.describe(config.heartbeatSap());
        // the first start: epoch 3, its directory recovered to entry 5, of epoch 2's primary 0x77
        link = RawLink.connect(config.backupSap());
        link.send(new ReplicationMessage.SnapshotBegin(3, 5, primaryStandIn.pid(), PRIMARY_SERVER, heartbeat, false,
                false, HISTORY, 5, 2, 0x77));
        link.send(ReplicationMessage.SnapshotPairs.of(List.copyOf(recovered.pairs())));
        link.send(new ReplicationMessage.SnapshotEnd(5, recovered.digest()));
        assertThat(((ReplicationMessage.Ack) link.readSkippingHeartbeats()).index()).isEqualTo(5);
        if (servedAnEntry) {
            link.send(new ReplicationMessage.Entries(List.of(new Replicated(3, 6, new Change.Closed(0))),
                    recovered.digest(), 5));
            assertThat(((ReplicationMessage.Ack) link.readSkippingHeartbeats()).index()).isEqualTo(6);
        }
        link.close();
        awaitEvent("primary_failed");

        try (RawLink behind = RawLink.connect(config.backupSap())) {
            behind.send(new ReplicationMessage.SnapshotBegin(3, 4, NO_SUCH_PID, OTHER_SERVER, "127.0.0.1:1", false,
                    false, HISTORY, 4, 2, 0x77));
            assertThat(behind.readSkippingHeartbeats()).as("a start that recovered less")
                    .isInstanceOfSatisfying(ReplicationMessage.Refused.class, refused -> assertThat(refused.reason())
                            .contains("from another primary of that epoch number"));
        }
        link = RawLink.connect(config.backupSap());
        link.send(new ReplicationMessage.SnapshotBegin(3, 5, primaryStandIn.pid(), OTHER_SERVER, heartbeat, false,
                false, HISTORY, 5, 2, 0x77));
        if (servedAnEntry) {
            assertThat(link.readSkippingHeartbeats()).as("the same start, once the copy holds an entry of its epoch")
                    .isInstanceOfSatisfying(ReplicationMessage.Refused.class, refused -> assertThat(refused.reason())
                            .contains("holds a copy of epoch 3 up to index 6")
                            .contains("from another primary of that epoch number"));
            link.close();
            link = null;
            assertThat(exit).as("the backup waits on with its copy").isNotDone();
            return;
        }
        link.send(ReplicationMessage.SnapshotPairs.of(List.copyOf(recovered.pairs())));
        link.send(new ReplicationMessage.SnapshotEnd(5, recovered.digest()));
        ReplicationMessage.Ack taken = (ReplicationMessage.Ack) link.readSkippingHeartbeats();
        assertThat(taken.index()).as("the same start run again, taken").isEqualTo(5);
        assertThat(taken.digest()).isEqualTo(recovered.digest());
        link.send(new ReplicationMessage.Stop("end of test"));
        assertThat(exitStatus()).isZero();
    }

    /**
     * The snapshot's pairs are the primary's space as of the snapshot's index, and entries after it come between its
     * frames: they take effect after every pair is in, even those that change a key of a slice still to come (applied
     * at once, the later slice would bring back a key removed, or an old value).
     */
    @Test
    void entriesDuringTheSnapshotTakeEffectAfterItsPairsAndTheDigestsAgree() throws Exception {
        TupleSpace primarySpace = new TupleSpace();
        for (int i = 0; i < 30; i++) {
            primarySpace.applyEffect(new Effect(List.of(), List.of(Pair.of("user," + i, "v" + i))));
        }
        List<Pair> pairs = List.copyOf(primarySpace.snapshot().pairs());
        beginSnapshot();
        link.send(ReplicationMessage.SnapshotPairs.of(pairs.subList(0, 10)));
        List<Effect> effects = List.of(
                new Effect(List.of(pairs.get(20).key()), List.of()),
                new Effect(List.of(), List.of(new Pair(pairs.get(25).key(), Tuple.parse("changed")))),
                new Effect(List.of(), List.of(Pair.of("zzz,1", "new"))));
        for (int index = 1; index <= effects.size(); index++) {
            primarySpace.applyEffect(effects.get(index - 1));
            link.send(new ReplicationMessage.Entries(List.of(new Replicated(1, index,
                    new Change.Applied(9, index, 0, effects.get(index - 1), Utf8Text.of("ok\n")))), primarySpace.digest(),
                    -1));
        }
        link.send(ReplicationMessage.SnapshotPairs.of(pairs.subList(10, 30)));
        link.send(new ReplicationMessage.SnapshotEnd(effects.size(), primarySpace.digest()));

        ReplicationMessage.Ack ack = (ReplicationMessage.Ack) link.readSkippingHeartbeats();
        assertThat(ack.index()).isEqualTo(3);
        assertThat(ack.digest()).isEqualTo(primarySpace.digest());
        link.send(new ReplicationMessage.Stop("end of test"));
        assertThat(exitStatus()).isZero();
    }

    @Test
    void snapshotPairsOutOfKeyOrderStopTheBackupNotThePrimary() throws Exception {
        beginSnapshot();
        link.send(ReplicationMessage.SnapshotPairs.of(List.of(Pair.of("user,2", "b"))));
        link.send(ReplicationMessage.SnapshotPairs.of(List.of(Pair.of("user,1", "a"))));

        assertThat(exitStatus()).isEqualTo(1);
        assertThat(primaryStandIn.isAlive()).as("the primary was not fenced").isTrue();
    }

    @Test
    void aFrameTheBackupCannotDecodeStopsTheBackupNotThePrimary() throws Exception {
        catchUp(new TupleSpace());
        link.sendRaw(new byte[] {99, 1, 2, 3}); // no such message type: the backup's own link is broken

        assertThat(exitStatus()).isEqualTo(1);
        assertThat(primaryStandIn.isAlive()).as("the healthy primary was not fenced").isTrue();
        assertThat(NodeTestSupport.events(events)).doesNotContain("primary_failed");
    }

    /** A child its primary never reached holds nothing: it exits after --backup-orphan-timeout, fencing nobody. */
    @Test
    @Tag(ORPHAN_TAG)
    void aBackupItsPrimaryNeverReachedExitsAfterTheOrphanTimeout() {
        assertThat(exitStatus()).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - startedNanos)).as("the backup's life")
                .isGreaterThanOrEqualTo(ORPHAN_TIMEOUT);
        assertThat(primaryStandIn.isAlive()).as("the primary that never reached it was not fenced").isTrue();
    }

    /** One its primary reached waits as long as it takes: the timeout is for a backup that holds nothing. */
    @Test
    @Tag(ORPHAN_TAG)
    void aBackupItsPrimaryReachedOutlivesTheOrphanTimeout() throws Exception {
        catchUp(new TupleSpace());
        Thread.sleep(ORPHAN_TIMEOUT.plusSeconds(1).toMillis());
        assertThat(exit).as("the backup, one second past --backup-orphan-timeout").isNotDone();

        link.send(new ReplicationMessage.Stop("end of test"));
        assertThat(exitStatus()).isZero();
    }

    @Test
    void aStopBeforeAnySnapshotEndsTheBackupWithStatusZero() throws Exception {
        link = RawLink.connect(config.backupSap());
        link.send(new ReplicationMessage.Stop("SHUTDOWN while the backup was starting"));

        assertThat(exitStatus()).isZero();
    }
}
