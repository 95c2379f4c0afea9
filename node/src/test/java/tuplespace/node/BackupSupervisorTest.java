package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.node.NodeTestSupport.NO_SUCH_PID;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tuplespace.codec.frame.Frame;
import tuplespace.node.NodeTestSupport.FakeProcess;
import tuplespace.node.NodeTestSupport.FakeTicker;
import tuplespace.node.NodeTestSupport.MemoryPersistence;
import tuplespace.node.NodeTestSupport.RawLink;
import tuplespace.replication.Change;
import tuplespace.replication.ReplicationMessage;
import tuplespace.space.TupleSpace;

/**
 * A real primary in this JVM whose backup child is a {@link FakeProcess}: the test plays the backup on BACKUP_SAP
 * and the proxy on PROXY_SAP over loopback, with virtual time for the heartbeat monitor.
 */
@Timeout(90)
class BackupSupervisorTest {

    @TempDir
    Path directory;
    private final FakeTicker ticker = new FakeTicker();
    private final MemoryPersistence persistence = new MemoryPersistence();
    private final List<FakeProcess> children = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closeAtEnd = new CopyOnWriteArrayList<>();
    private final String roleBefore = System.getProperty(ServerNode.ROLE_PROPERTY);
    private volatile boolean childrenDieWhenKilled = true;
    private volatile Runnable onKill = () -> { };
    /** Each backup child exits with status 1 as soon as it is started (a JVM that cannot start). */
    private volatile boolean childrenExitAtStart;
    private Path events;
    private NodeConfig config;
    private ServerNode node;
    private CompletableFuture<Integer> exit;

    @BeforeEach
    void configure() {
        events = directory.resolve("events");
        config = NodeTestSupport.config(OptionalLong.empty(), events, Optional.of(directory.resolve("space.json")));
    }

    private void startPrimary() {
        startPrimary(new TupleSpace());
    }

    private void startPrimary(TupleSpace space) {
        node = new ServerNode(config, new CodecRequestEvaluator(), persistence, ticker, (c, pid) -> {
            FakeProcess child = new FakeProcess(childrenDieWhenKilled, () -> onKill.run());
            children.add(child);
            if (childrenExitAtStart) {
                child.exit(1);
            }
            return child;
        });
        node.start(space);
        exit = CompletableFuture.supplyAsync(node::awaitExit);
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (exit != null && !exit.isDone()) {
            node.exit(99);
        }
        if (exit != null) {
            exit.orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> -1).join();
        }
        for (AutoCloseable closeable : closeAtEnd) {
            closeable.close();
        }
        children.forEach(child -> child.exit(0));
        if (roleBefore == null) {
            System.clearProperty(ServerNode.ROLE_PROPERTY);
        } else {
            System.setProperty(ServerNode.ROLE_PROPERTY, roleBefore);
        }
    }

    private ServerSocket listen(java.net.InetSocketAddress address) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setSoTimeout(30_000);
        server.bind(address);
        closeAtEnd.add(server);
        return server;
    }

    private RawLink accept(ServerSocket server) throws IOException {
        RawLink link = new RawLink(server.accept());
        closeAtEnd.add(link);
        return link;
    }

    /** The two links a test plays the other side of: the backup's replication link and the proxy's link. */
    /** The live backup's and the proxy's links, and BACKUP_SAP, where a restarted backup is accepted. */
    private record Links(RawLink backup, RawLink proxy, ServerSocket backupSap) {
    }

    /** Starts the primary, plays its backup up to live and its proxy up to REGISTERED. */
    private Links registeredPrimaryWithLiveBackup() throws IOException, InterruptedException {
        ServerSocket backupSap = listen(config.backupSap());
        ServerSocket proxySap = listen(config.proxySap());
        startPrimary();
        RawLink backup = liveBackup(backupSap);
        RawLink proxy = accept(proxySap);
        assertThat(proxy.readFrame()).isInstanceOf(Frame.Register.class);
        proxy.sendFrame(new Frame.Registered(1));
        return new Links(backup, proxy, backupSap);
    }

    /** The proxy's link, a second backup's link and the end of the snapshot it was sent. */
    private record SecondBackup(RawLink proxy, RawLink backup, ReplicationMessage.SnapshotEnd snapshotEnd) {
    }

    /** A registered primary whose live backup fails: the primary serves on one copy and syncs a second backup. */
    private SecondBackup secondBackupSyncing() throws IOException, InterruptedException {
        Links links = registeredPrimaryWithLiveBackup();
        RawLink proxy = links.proxy();
        links.backup().close();
        assertThat(proxy.readSkippingPings()).isEqualTo(new Frame.Replica(0));
        RawLink second = accept(links.backupSap());
        assertThat(second.readSkippingHeartbeats()).isInstanceOf(ReplicationMessage.SnapshotBegin.class);
        return new SecondBackup(proxy, second, (ReplicationMessage.SnapshotEnd) second.readSkippingHeartbeats());
    }

    /** A JSON PUT (id 1) of the key {@code key} with the value {@code v}. */
    private static String put(String key) {
        String[] fields = key.split(",");
        return "{\"id\":1,\"op\":\"PUT\",\"pairs\":[[[\"" + fields[0] + "\",\"" + fields[1] + "\"],[\"v\"]]]}";
    }

    /** Plays the backup up to live: takes the (empty) snapshot and acknowledges its end. */
    private RawLink liveBackup(ServerSocket backupSap) throws IOException, InterruptedException {
        Sent sent = snapshotSent(backupSap);
        long child = children.get(0).pid();
        sent.backup().send(new ReplicationMessage.Ack(sent.end().index(), sent.end().digest(), child, child));
        return sent.backup();
    }

    /** A backup's link on which the (empty) snapshot was sent to its end, not acknowledged yet, and that end. */
    private record Sent(RawLink backup, ReplicationMessage.SnapshotEnd end) {
    }

    /** Accepts the primary's link to its backup and reads the snapshot to its end, once the child is started. */
    private Sent snapshotSent(ServerSocket backupSap) throws IOException, InterruptedException {
        RawLink backup = accept(backupSap);
        assertThat(backup.readSkippingHeartbeats()).isInstanceOf(ReplicationMessage.SnapshotBegin.class);
        ReplicationMessage.SnapshotEnd end = (ReplicationMessage.SnapshotEnd) backup.readSkippingHeartbeats();
        NodeTestSupport.await(() -> !children.isEmpty(), "the backup child to be started");
        return new Sent(backup, end);
    }

    /**
     * docs/design.md "Nothing leaves before the backup has it": a backup being synced holds up no answer, however slow
     * it is, and it is named the replica (REPLICA, which lets the proxy promote it) only once it has acknowledged what
     * every answer already out depends on — not at the acknowledgement of its snapshot's end if an update answered
     * meanwhile came after that end.
     */
    @Test
    void aSyncingBackupHoldsUpNoAnswerAndIsNamedTheReplicaOnlyOnceItHoldsWhatWasAnswered() throws Exception {
        SecondBackup syncing = secondBackupSyncing();
        RawLink proxy = syncing.proxy();
        RawLink second = syncing.backup();
        ReplicationMessage.SnapshotEnd end = syncing.snapshotEnd();

        proxy.sendFrame(new Frame.Request(7, 1, 0, put("k,1")));
        assertThat(proxy.readSkippingPings()).as("answered at once: the syncing backup acknowledged nothing yet")
                .isInstanceOf(Frame.Answer.class);
        ReplicationMessage.Entries entries = (ReplicationMessage.Entries) second.readSkippingHeartbeats();
        long answered = entries.entries().get(0).index();
        assertThat(answered).isGreaterThan(end.index());

        // live, lacking that update
        second.send(new ReplicationMessage.Ack(end.index(), end.digest(), NO_SUCH_PID, 0x77));
        assertThat(proxy.readSkippingPingsWithin(Duration.ofMillis(300)))
                .as("not named while it lacks an update whose answer is out").isNull();
        second.send(new ReplicationMessage.Ack(answered, entries.digestAfter(), NO_SUCH_PID, 0x77));
        assertThat(proxy.readSkippingPings()).isEqualTo(new Frame.Replica(0x77));
    }

    /**
     * STATUS tells how far a syncing backup's snapshot has gone: while the backup does not read, only part of it is on
     * its way; then all of it while its end awaits the backup's acknowledgement; nothing once the backup is live.
     */
    @Test
    void statusSaysHowFarTheSnapshotOfASyncingBackupHasGone() throws Exception {
        TupleSpace space = new TupleSpace();
        String value = "v".repeat(1_000);
        List<Optional<tuplespace.tuple.Pair>> pairs = new java.util.ArrayList<>();
        for (int i = 0; i < 40_000; i++) {
            pairs.add(Optional.of(tuplespace.tuple.Pair.of("k," + i, value)));
        }
        space.apply(new tuplespace.space.Command.Put(pairs), tuplespace.pattern.MatchBudget.unlimited());
        ServerSocket backupSap = listen(config.backupSap());
        startPrimary(space); // 40 MB of pairs: far more than the link's socket buffers hold while nobody reads
        RawLink backup = accept(backupSap);

        com.fasterxml.jackson.databind.JsonNode partway = awaitSync(sync -> sync.path("pairsSent").asLong() > 0);
        assertThat(partway.path("pairs").asLong()).isEqualTo(40_000);
        assertThat(partway.path("pairsSent").asLong()).as("the backup reads nothing: the stream waits")
                .isLessThan(40_000);

        ReplicationMessage message;
        do {
            message = backup.readSkippingHeartbeats();
        } while (!(message instanceof ReplicationMessage.SnapshotEnd));
        ReplicationMessage.SnapshotEnd end = (ReplicationMessage.SnapshotEnd) message;
        assertThat(awaitSync(sync -> true).path("pairsSent").asLong()).isEqualTo(40_000);

        long child = children.get(0).pid();
        backup.send(new ReplicationMessage.Ack(end.index(), end.digest(), child, child));
        NodeTestSupport.await(() -> status().contains("\"state\":\"live\""), "the backup to be live");
        assertThat(json(status()).path("backup").path("sync").isNull()).as("no sync once live").isTrue();
    }

    /** The backup's {@code sync} in STATUS once it is there and satisfies {@code until}. */
    private com.fasterxml.jackson.databind.JsonNode awaitSync(
            java.util.function.Predicate<com.fasterxml.jackson.databind.JsonNode> until) throws InterruptedException {
        AtomicReference<com.fasterxml.jackson.databind.JsonNode> seen = new AtomicReference<>();
        NodeTestSupport.await(() -> {
            com.fasterxml.jackson.databind.JsonNode sync = json(status()).path("backup").path("sync");
            seen.set(sync);
            return sync.isObject() && until.test(sync);
        }, "STATUS to show the backup's sync");
        return seen.get();
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String line) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(line.isEmpty() ? "{}" : line);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * {@code --backup-start none}: no process is started; the primary connects to {@code --peer-backup-sap} again and
     * again until a backup listens there (STATUS: {@code waiting}; one WARN that it has none), names its own
     * HEARTBEAT_SAP in the snapshot's begin, and names the backup (by server id) to the proxy as its replica once it is
     * live, and 0 again, before any answer, when it is lost.
     */
    @Test
    void withBackupStartNoneThePrimaryWaitsForABackupStartedElsewhereAndNamesItToTheProxy() throws Exception {
        java.net.InetSocketAddress peer = new java.net.InetSocketAddress("127.0.0.1", NodeTestSupport.freePort());
        config = config.withPeer(peer, new BackupStart.None());
        ServerSocket proxySap = listen(config.proxySap());
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = supervisorLines();
        startPrimary();
        // the backup is started late, by someone else
        NodeTestSupport.await(() -> status().contains("\"backup\":{\"state\":\"connecting\""),
                "STATUS to say the primary connects to its backup");
        NodeTestSupport.await(() -> warnings(lines).size() > 0, "a WARN that the primary has no backup");
        Thread.sleep(300); // tries go on every 0.1 s
        assertThat(warnings(lines)).as("said once, not at every try").singleElement()
                .isEqualTo("primary has no backup yet: could not connect to it at " + NodeNetwork.describe(peer)
                        + " for 2s (Connection refused); with --backup-start none someone else starts it there. The"
                        + " primary connects as soon as one listens; until then what it answers exists on this server"
                        + " only");
        RawLink backup = accept(listen(peer));
        ReplicationMessage.SnapshotBegin begin = (ReplicationMessage.SnapshotBegin) backup.readSkippingHeartbeats();
        assertThat(begin.heartbeatSap()).isEqualTo(NodeNetwork.describe(config.heartbeatSap()));
        ReplicationMessage.SnapshotEnd end = (ReplicationMessage.SnapshotEnd) backup.readSkippingHeartbeats();
        backup.send(new ReplicationMessage.Ack(end.index(), end.digest(), NO_SUCH_PID, 0x5eed));
        RawLink proxy = accept(proxySap);
        Frame.Register register = (Frame.Register) proxy.readFrame();
        assertThat(register.replica()).as("the live backup's server id").isEqualTo(0x5eed);
        assertThat(register.server()).isEqualTo(node.serverId());
        proxy.sendFrame(new Frame.Registered(1));
        backup.close();
        assertThat(proxy.readSkippingPings()).as("the proxy hears the backup is gone").isEqualTo(new Frame.Replica(0));
        assertThat(children).as("no process started").isEmpty();
    }

    /**
     * Once its quick restarts are spent, a primary serves degraded and retries with back-off: a fresh one registers
     * with the proxy then, and STATUS says when the next backup starts while it waits for that, and the retry's pid
     * while one is under way.
     */
    @Test
    void aDegradedPrimarySaysWhenItStartsItsNextBackup() throws Exception {
        childrenExitAtStart = true;
        ServerSocket proxySap = listen(config.proxySap());
        long started = System.nanoTime();
        startPrimary();
        // a fresh primary waits for its first backup before it registers, but not past its restarts: up to 10 s before
        accept(proxySap).readFrame();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("REGISTER once the restarts were spent")
                .isLessThan(Duration.ofSeconds(8));
        AtomicReference<JsonNode> backup = new AtomicReference<>();
        NodeTestSupport.await(() -> backupStatus(backup).path("nextRetry").isTextual(),
                "a degraded primary waiting to retry");
        Instant asked = Instant.now();
        JsonNode waiting = backup.get();

        assertThat(waiting.path("state").asText()).isEqualTo("degraded");
        assertThat(waiting.path("pid").isNull()).as("no retry under way: %s", waiting).isTrue();
        assertThat(waiting.path("restarts").asLong()).as("the quick restarts, then back-off")
                .isGreaterThan(config.backupRestarts());
        assertThat(Instant.parse(waiting.path("nextRetry").asText()))
                .isAfter(asked.minus(BackupSupervisor.MAX_BACKOFF))
                .isBeforeOrEqualTo(asked.plus(BackupSupervisor.MAX_BACKOFF));
        childrenExitAtStart = false;
        NodeTestSupport.await(() -> backupStatus(backup).path("pid").isNumber(), "the next retry, under way");
        JsonNode retrying = backup.get();
        assertThat(retrying.path("state").asText()).as("still one copy: %s", retrying).isEqualTo("degraded");
        assertThat(retrying.path("nextRetry").isNull()).as("no retry to wait for: %s", retrying).isTrue();
    }

    /** STATUS's {@code backup} object, kept in {@code last} too; a missing node while SHUTDOWN_SAP is not bound yet. */
    private JsonNode backupStatus(AtomicReference<JsonNode> last) {
        last.set(json(status()).path("backup"));
        return last.get();
    }

    /** The primary's STATUS line; empty while its SHUTDOWN_SAP is not bound yet. */
    private String status() {
        try {
            return LocalService.line(config.shutdownSap().getPort(), "STATUS");
        } catch (java.net.ConnectException notYet) {
            return "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * SHUTDOWN with a backup on another machine ({@code --backup-start none}): the primary waits for its link to close
     * as it stops. One that stays open and silent (a link cut without a word, a hung process), or a link lost before
     * (the backup was not told at all), is named in a WARN: a backup may run on there, though SHUTDOWN said the service
     * stops.
     */
    @ParameterizedTest(name = "the backup's link: {0}")
    @ValueSource(strings = {"closes on the stop", "stays open and silent", "was lost before"})
    void aBackupOnAnotherMachineNotToldOrNotConfirmingItsStopIsNamed(String link) throws Exception {
        java.net.InetSocketAddress peer = new java.net.InetSocketAddress("127.0.0.1", NodeTestSupport.freePort());
        config = config.withPeer(peer, new BackupStart.None());
        ServerSocket backupSap = listen(peer);
        ServerSocket proxySap = listen(config.proxySap());
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = supervisorLines();
        startPrimary();
        RawLink backup = accept(backupSap);
        assertThat(backup.readSkippingHeartbeats()).isInstanceOf(ReplicationMessage.SnapshotBegin.class);
        ReplicationMessage.SnapshotEnd end = (ReplicationMessage.SnapshotEnd) backup.readSkippingHeartbeats();
        backup.send(new ReplicationMessage.Ack(end.index(), end.digest(), NO_SUCH_PID, 0x5eed));
        RawLink proxy = accept(proxySap);
        assertThat(proxy.readFrame()).isInstanceOf(Frame.Register.class);
        proxy.sendFrame(new Frame.Registered(1));
        if (link.equals("was lost before")) {
            backupSap.close(); // no backup listens there any more: the primary's attempts to connect again fail
            backup.close();
            assertThat(proxy.readSkippingPings()).as("the primary saw it lost").isEqualTo(new Frame.Replica(0));
        }

        assertThat(shutdownLine()).startsWith("ok: saved 0 pairs");
        if (!link.equals("was lost before")) {
            assertThat(backup.readSkippingHeartbeats()).isInstanceOf(ReplicationMessage.Stop.class);
        }
        if (link.equals("closes on the stop")) {
            backup.close();
        }
        assertThat(exit.orTimeout(30, TimeUnit.SECONDS).join()).isZero();
        List<String> warnings = warnings(lines);
        switch (link) {
            case "closes on the stop" -> assertThat(warnings)
                    .noneMatch(line -> line.contains("stop it on its machine"));
            case "stays open and silent" -> assertThat(warnings).anyMatch(line -> line.startsWith("the backup at ")
                    && line.contains("did not confirm its stop within 3s") && line.endsWith("stop it on its machine"));
            default -> assertThat(warnings).contains("no link to the backup at " + NodeNetwork.describe(peer)
                    + " (--backup-start none) as the service stops: a backup running there was not told to stop;"
                    + " stop it on its machine if one runs");
        }
    }

    /** What BackupSupervisor logs from now on, until the test ends. */
    private ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> supervisorLines() {
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(BackupSupervisor.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        closeAtEnd.add(() -> logger.detachAppender(lines));
        return lines;
    }

    private static List<String> warnings(
            ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines) {
        synchronized (lines) { // appended to on the node's event loop, under the appender's lock
            return lines.list.stream().filter(line -> line.getLevel() == ch.qos.logback.classic.Level.WARN)
                    .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
        }
    }

    /**
     * The backup this primary reached holds a newer copy and refuses its snapshot (docs/design.md "Failover"). A primary
     * that has not registered has served nothing: it stops without saving rather than serve the older space.
     */
    @Test
    void aPrimaryRefusedByANewerBackupBeforeItRegisteredStops() throws Exception {
        ServerSocket backupSap = listen(config.backupSap());
        startPrimary();
        RawLink backup = accept(backupSap);
        assertThat(backup.readSkippingHeartbeats()).isInstanceOf(ReplicationMessage.SnapshotBegin.class);
        backup.send(new ReplicationMessage.Refused("backup pid 77 holds a copy of epoch 3 up to index 40 (9 pairs)"));
        assertThat(exit.orTimeout(30, TimeUnit.SECONDS).join()).isEqualTo(1);
        assertThat(NodeTestSupport.events(events)).contains("stale_epoch")
                .contains("may not replace its backup's copy: backup pid 77 holds a copy of epoch 3 up to index 40");
        assertThat(java.nio.file.Files.exists(directory.resolve("space.json"))).as("SAVE_FILE written").isFalse();
    }

    /**
     * A primary that registered and applied updates may have acknowledged writes of its own before the refusal came:
     * stopping would lose them. It serves on; the refusal is its backup's failure, named in backup_failed, and it tries
     * again.
     */
    @Test
    void aPrimaryRefusedByANewerBackupAfterItRegisteredServesOnAndSaysWhy() throws Exception {
        Links links = registeredPrimaryWithLiveBackup();
        links.backup().close();
        assertThat(links.proxy().readSkippingPings()).isEqualTo(new Frame.Replica(0));
        links.proxy().sendFrame(new Frame.Request(7, 1, 0, put("k,1"))); // on one copy: answered at once
        assertThat(links.proxy().readSkippingPings()).isInstanceOf(Frame.Answer.class);
        RawLink second = accept(links.backupSap());
        assertThat(second.readSkippingHeartbeats()).isInstanceOf(ReplicationMessage.SnapshotBegin.class);
        second.send(new ReplicationMessage.Refused("backup pid 77 holds a copy of epoch 3 up to index 40"));
        RawLink third = accept(links.backupSap());
        assertThat(third.readSkippingHeartbeats()).as("another backup attempt")
                .isInstanceOf(ReplicationMessage.SnapshotBegin.class);
        assertThat(exit).as("the primary serves on").isNotDone();
        assertThat(NodeTestSupport.events(events)).contains("backup_failed")
                .contains("the backup refused this primary's snapshot: backup pid 77 holds a copy of epoch 3")
                .doesNotContain("stale_epoch");
        assertThat(status()).as("STATUS says why the last backup failed, until one is live again")
                .contains("\"lastFailure\":\"the backup refused this primary's snapshot: backup pid 77 holds a copy of"
                        + " epoch 3 up to index 40");
    }

    @Test
    void aFailedBackupIsKilledBeforeItsLinksClose() throws Exception {
        ServerSocket backupSap = listen(config.backupSap());
        ServerSocket proxySap = listen(config.proxySap()); // accepts, never answers: the primary just waits
        childrenDieWhenKilled = false;
        startPrimary();
        RawLink backup = liveBackup(backupSap);
        accept(proxySap);
        AtomicReference<Boolean> linkOpenAtKill = new AtomicReference<>();
        onKill = () -> {
            try {
                linkOpenAtKill.compareAndSet(null, !backup.closesWithin(Duration.ofMillis(300)));
            } catch (IOException e) {
                linkOpenAtKill.compareAndSet(null, false);
            }
        };

        ticker.advance(Duration.ofSeconds(2)); // 20 heartbeat intervals of silence from the backup
        NodeTestSupport.await(() -> linkOpenAtKill.get() != null, "the failed backup to be killed");

        assertThat(linkOpenAtKill.get()).as("the replication link was still open when the backup was killed").isTrue();
        assertThat(LocalService.line(config.shutdownSap().getPort(), "STATUS"))
                .as("while it dies, STATUS no longer calls it live").contains("\"backup\":{\"state\":\"starting\"");
        children.get(0).exit(137); // now it is gone ...
        assertThat(backup.closesWithin(Duration.ofSeconds(30))).as("... and only then the link closes").isTrue();
        assertThat(NodeTestSupport.events(events)).contains("backup_failed");
    }

    /**
     * The proxy and the primary were killed and the same command lines run again, while the backup lived on: it holds
     * BACKUP_SAP and its node directory, so the child the new primary starts exits at once. The primary keeps the
     * backup it reached, which took its snapshot, instead of starting child after child and closing the link to it each
     * time.
     */
    @Test
    void aBackupThatOutlivedAnEarlierPrimaryStaysTheBackupWhenTheChildStartedBesideItExits() throws Exception {
        ServerSocket backupSap = listen(config.backupSap());
        ServerSocket proxySap = listen(config.proxySap());
        startPrimary();
        Sent survivor = snapshotSent(backupSap);
        children.get(0).exit(1); // "node-b is in use by another node process", before the survivor acknowledged
        long survivorPid = children.get(0).pid() + 1;
        Thread.sleep(200); // the exit is heard; nothing may follow from it
        survivor.backup().send(new ReplicationMessage.Ack(survivor.end().index(), survivor.end().digest(), survivorPid,
                survivorPid));
        RawLink proxy = accept(proxySap);
        Frame register = proxy.readFrame();
        assertThat(register).isInstanceOf(Frame.Register.class);
        assertThat(((Frame.Register) register).replica()).as("the survivor, named the replica").isEqualTo(survivorPid);
        proxy.sendFrame(new Frame.Registered(1));

        Thread.sleep(500); // a restart would have followed the child's exit within this
        assertThat(children).as("no second child").hasSize(1);
        assertThat(NodeTestSupport.events(events)).doesNotContain("backup_failed");
    }

    /**
     * A primary keeps a standby from its backup's naming as the replica on; when that backup fails it uses the standby
     * (no process to start), and starts the next standby only once the new backup is named: a JVM starting takes the
     * CPU that the copy and the first answers need.
     */
    @Test
    void aPrimaryThatUsesItsStandbyStartsTheNextOneOnceTheNewBackupIsNamed() throws Exception {
        ServerSocket backupSap = listen(config.backupSap());
        listen(config.proxySap()); // accepts, never answers: the primary just waits
        startPrimary();
        liveBackup(backupSap);
        NodeTestSupport.await(() -> children.size() == 2, "the standby kept once the backup is named");

        ticker.advance(Duration.ofSeconds(2)); // 20 heartbeat intervals of silence from the backup
        RawLink standbyAsBackup = accept(backupSap);
        assertThat(standbyAsBackup.readSkippingHeartbeats()).isInstanceOf(ReplicationMessage.SnapshotBegin.class);
        ReplicationMessage.SnapshotEnd end = (ReplicationMessage.SnapshotEnd) standbyAsBackup.readSkippingHeartbeats();
        Thread.sleep(300);
        assertThat(children).as("no standby started while the new backup syncs").hasSize(2);

        standbyAsBackup.send(new ReplicationMessage.Ack(end.index(), end.digest(), children.get(1).pid(), 0x77));
        NodeTestSupport.await(() -> children.size() == 3, "the next standby, once the new backup is named");
    }

    /**
     * The backup named in a REGISTER is lost before the proxy answers it (a REPLICA then had no registered link to go
     * on): the proxy hears REPLICA(0) right after REGISTERED, before any answer, or it would promote that backup.
     */
    @Test
    void aReplicaLostWhileTheRegisterIsOnItsWayIsUnnamedRightAfterRegistered() throws Exception {
        ServerSocket backupSap = listen(config.backupSap());
        ServerSocket proxySap = listen(config.proxySap());
        startPrimary();
        RawLink backup = liveBackup(backupSap);
        RawLink proxy = accept(proxySap);
        Frame.Register register = (Frame.Register) proxy.readFrame();
        assertThat(register.replica()).as("the live backup").isNotZero();

        backup.close();
        accept(backupSap); // the next backup: the primary has given up the lost one (backupLost) before starting it
        proxy.sendFrame(new Frame.Registered(1));

        assertThat(proxy.readSkippingPings()).isEqualTo(new Frame.Replica(0));
    }

    /**
     * {@link ReplicaCatchUp}: a backup that acknowledged its snapshot's end but is behind the answers already out holds
     * up no answer until it has acknowledged them; then it is named the replica, and from then on answers wait for it.
     */
    @Test
    void aLiveBackupBehindTheAnswersOutHoldsUpNoAnswerUntilItCaughtUpThenAnswersWaitForIt() throws Exception {
        SecondBackup syncing = secondBackupSyncing();
        RawLink proxy = syncing.proxy();
        RawLink second = syncing.backup();
        ReplicationMessage.SnapshotEnd end = syncing.snapshotEnd();
        proxy.sendFrame(new Frame.Request(7, 1, 0, put("k,1")));
        assertThat(proxy.readSkippingPings()).isInstanceOf(Frame.Answer.class);
        second.readSkippingHeartbeats(); // the entry of k,1

        second.send(new ReplicationMessage.Ack(end.index(), end.digest(), NO_SUCH_PID, 0x77)); // live, lacking k,1
        proxy.sendFrame(new Frame.Request(7, 2, 1, put("k,2")));
        assertThat(proxy.readSkippingPings()).as("answered at once: the backup is still catching up")
                .isInstanceOf(Frame.Answer.class);
        ReplicationMessage.Entries upToK2 = (ReplicationMessage.Entries) second.readSkippingHeartbeats();
        long k2 = upToK2.entries().get(upToK2.entries().size() - 1).index();

        second.send(new ReplicationMessage.Ack(k2, upToK2.digestAfter(), NO_SUCH_PID, 0x77));
        assertThat(proxy.readSkippingPings()).as("it holds every answer out").isEqualTo(new Frame.Replica(0x77));
        proxy.sendFrame(new Frame.Request(7, 3, 2, put("k,3")));
        ReplicationMessage.Entries k3 = (ReplicationMessage.Entries) second.readSkippingHeartbeats();
        assertThat(proxy.readSkippingPingsWithin(Duration.ofMillis(300))).as("waits for the backup now").isNull();
        second.send(new ReplicationMessage.Ack(k3.entries().get(0).index(), k3.digestAfter(), NO_SUCH_PID, 0x77));
        assertThat(proxy.readSkippingPings()).isInstanceOf(Frame.Answer.class);
    }

    @ParameterizedTest(name = "the backup acknowledges before it stops: {0}")
    @ValueSource(booleans = {true, false})
    void shutdownAnswersTheUpdatesItSaved(boolean finalAcknowledgement) throws Exception {
        Links links = registeredPrimaryWithLiveBackup();
        RawLink backup = links.backup();
        RawLink proxy = links.proxy();
        proxy.sendFrame(new Frame.Request(7, 1, 0, put("k,1")));
        ReplicationMessage.Entries entries = (ReplicationMessage.Entries) backup.readSkippingHeartbeats();
        assertThat(entries.entries()).hasSize(1); // replicated; its answer waits for an acknowledgement

        assertThat(shutdownLine()).startsWith("ok");
        assertThat(backup.readSkippingHeartbeats()).isInstanceOf(ReplicationMessage.Stop.class);
        if (finalAcknowledgement) {
            backup.send(new ReplicationMessage.Ack(1, entries.digestAfter(), children.get(0).pid(), children.get(0).pid()));
        }
        backup.close();
        children.get(0).exit(0);

        Frame answer = proxy.readSkippingPings();
        assertThat(answer).as("the saved update is answered before the link closes").isInstanceOf(Frame.Answer.class);
        assertThat(((Frame.Answer) answer).answerText()).contains("\"status\":\"ok\"");
        assertThat(exit.orTimeout(30, TimeUnit.SECONDS).join()).isZero();
        assertThat(persistence.saves).isEqualTo(1);
    }

    @Test
    void aShutdownThatCannotSaveStopsNothingAndServingGoesOnUntilOneThatCan() throws Exception {
        Links links = registeredPrimaryWithLiveBackup();
        RawLink backup = links.backup();
        RawLink proxy = links.proxy();
        persistence.failing = "No space left on device";

        String refused = shutdownLine();
        assertThat(refused).startsWith("error:").contains(config.saveFile().orElseThrow().toString())
                .contains("No space left on device").contains("keeps serving");
        proxy.sendFrame(new Frame.Request(7, 1, 0, put("k,1")));
        ReplicationMessage after = backup.readSkippingHeartbeats();
        assertThat(after).as("the backup was not stopped and the primary still serves updates")
                .isInstanceOf(ReplicationMessage.Entries.class);
        ReplicationMessage.Entries entries = (ReplicationMessage.Entries) after;
        backup.send(new ReplicationMessage.Ack(1, entries.digestAfter(), children.get(0).pid(), children.get(0).pid()));
        assertThat(exit).isNotDone();

        persistence.failing = null;
        assertThat(shutdownLine()).startsWith("ok: saved 1 pair to ");
        assertThat(backup.readSkippingHeartbeats()).isInstanceOf(ReplicationMessage.Stop.class);
        backup.close();
        children.get(0).exit(0);
        assertThat(exit.orTimeout(30, TimeUnit.SECONDS).join()).isZero();
        assertThat(persistence.savedPairs).isEqualTo(1);
    }

    @ParameterizedTest(name = "the save succeeds: {0}")
    @ValueSource(booleans = {true, false})
    void whileSaveFileIsWrittenNothingIsServedAndWhatQueuedIsServedOnlyIfTheSaveFailed(boolean saveSucceeds)
            throws Exception {
        Links links = registeredPrimaryWithLiveBackup();
        RawLink backup = links.backup();
        RawLink proxy = links.proxy();
        persistence.gate = new CountDownLatch(1);
        persistence.failing = saveSucceeds ? null : "No space left on device";
        CompletableFuture<String> shutdown = CompletableFuture.supplyAsync(() -> {
            try {
                return shutdownLine();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(persistence.entered.await(30, TimeUnit.SECONDS)).as("the save started").isTrue();
        proxy.sendFrame(new Frame.Request(7, 1, 0, put("k,1"))); // arrives while SAVE_FILE is being written
        Thread.sleep(200); // let the node read it (queued, not served); no outcome below depends on this pause

        persistence.gate.countDown();
        if (saveSucceeds) {
            assertThat(shutdown.get(30, TimeUnit.SECONDS)).startsWith("ok: saved 0 pairs");
            assertThat(backup.readSkippingHeartbeats()).as("the request queued during the save was never applied")
                    .isInstanceOf(ReplicationMessage.Stop.class);
            backup.close();
            children.get(0).exit(0);
            assertThat(exit.orTimeout(30, TimeUnit.SECONDS).join()).isZero();
            assertThat(proxy.framesUntilClosed()).as("nor answered").noneMatch(Frame.Answer.class::isInstance);
        } else {
            assertThat(shutdown.get(30, TimeUnit.SECONDS)).startsWith("error:").contains("No space left on device");
            ReplicationMessage.Entries entries = (ReplicationMessage.Entries) backup.readSkippingHeartbeats();
            assertThat(entries.entries()).as("the queued request is served once the save failed").hasSize(1);
            backup.send(new ReplicationMessage.Ack(1, entries.digestAfter(), children.get(0).pid(), children.get(0).pid()));
            assertThat(((Frame.Answer) proxy.readSkippingPings()).answerText()).contains("\"status\":\"ok\"");
        }
    }

    @Test
    void theConnectionsOfARestartedProxysEarlierIncarnationAreClosedAndTheClosesReplicated() throws Exception {
        Links links = registeredPrimaryWithLiveBackup();
        RawLink backup = links.backup();
        RawLink proxy = links.proxy();
        long before = (7L << 32) | 1; // a connection of the proxy's first incarnation
        proxy.sendFrame(new Frame.Request(before, 1, 0, put("k,1")));
        ReplicationMessage.Entries put = (ReplicationMessage.Entries) backup.readSkippingHeartbeats();
        backup.send(new ReplicationMessage.Ack(1, put.digestAfter(), children.get(0).pid(), children.get(0).pid()));
        // its answer is never known delivered: the proxy died before a floor passed it

        long after = (8L << 32) | 1; // the restarted proxy's first client
        proxy.sendFrame(new Frame.Request(after, 1, 0, put("k,2")));
        List<Change> changes = new java.util.ArrayList<>();
        while (changes.size() < 2) {
            ((ReplicationMessage.Entries) backup.readSkippingHeartbeats()).entries().forEach(e -> changes.add(e.change()));
        }
        assertThat(changes).as("the new client's update, then (queued as a CLOSED) the earlier incarnation's close")
                .hasSize(2);
        assertThat(((Change.Applied) changes.get(0)).conn()).isEqualTo(after);
        assertThat(changes.get(1)).isEqualTo(new Change.Closed(before));
    }

    /**
     * A registered primary cut off from the proxy, which promoted its backup meanwhile: when the link heals, the proxy
     * refuses it (a newer epoch) and it stops, saying its copy is the older one and where a backup is wanted, rather
     * than to promote a backup or stop the newer primary.
     */
    @Test
    void aPrimaryReplacedWhileTheProxyCouldNotReachItSaysItsCopyIsTheOlderOne() throws Exception {
        ServerSocket backupSap = listen(config.backupSap());
        ServerSocket proxySap = listen(config.proxySap());
        startPrimary();
        liveBackup(backupSap);
        RawLink proxy = accept(proxySap);
        assertThat(proxy.readFrame()).isInstanceOf(Frame.Register.class);
        proxy.sendFrame(new Frame.Registered(1));
        proxy.close(); // the link was lost; when it heals, a promoted backup serves epoch 2
        RawLink healed = accept(proxySap);
        assertThat(healed.readFrame()).isInstanceOf(Frame.Register.class);
        healed.sendFrame(new Frame.StaleEpoch(2));

        assertThat(exit.orTimeout(30, TimeUnit.SECONDS).join()).isEqualTo(1);
        assertThat(NodeTestSupport.events(events)).contains("stale_epoch")
                .contains("that primary took over from this one while the proxy could not reach it, so this server's"
                        + " copy is the older one")
                .doesNotContain("promote that backup");
    }

    /**
     * A primary no proxy accepted answered no client: its space is what it started with, and one waiting to be judged
     * may hold an older state than the service's. Its SHUTDOWN stops it, but leaves the last export as it was.
     */
    @Test
    void aPrimaryNoProxyAcceptedLeavesSaveFileAsItWas() throws Exception {
        ServerSocket backupSap = listen(config.backupSap());
        ServerSocket proxySap = listen(config.proxySap()); // accepts, never answers: the primary is never registered
        startPrimary();
        RawLink backup = liveBackup(backupSap);
        assertThat(accept(proxySap).readFrame()).isInstanceOf(Frame.Register.class);

        assertThat(shutdownLine()).isEqualTo("ok: SAVE_FILE " + config.saveFile().orElseThrow() + " not written:"
                + " this server never served (no proxy accepted it), so its space may be older than the service's;"
                + " shutting down");
        assertThat(persistence.savedPairs).as("nothing saved").isEqualTo(-1);
        assertThat(backup.readSkippingHeartbeats()).isInstanceOf(ReplicationMessage.Stop.class);
        backup.close();
        children.get(0).exit(0);
        assertThat(exit.orTimeout(30, TimeUnit.SECONDS).join()).isZero();
    }

    @Test
    void shutdownWhileTheBackupStartsTellsItToStopInsteadOfKillingIt() throws Exception {
        startPrimary(); // BACKUP_SAP is not listening yet: the backup JVM is still starting
        NodeTestSupport.await(() -> !children.isEmpty(), "the backup child to be started");

        assertThat(shutdownLine()).startsWith("ok");
        RawLink backup = accept(listen(config.backupSap())); // the backup listens at last
        assertThat(backup.readSkippingHeartbeats()).isInstanceOf(ReplicationMessage.Stop.class);
        assertThat(children.get(0).killed).as("the starting backup was not killed").isFalse();
        children.get(0).exit(0);
        assertThat(exit.orTimeout(30, TimeUnit.SECONDS).join()).isZero();
    }

    /** SHUTDOWN on the primary's shutdown SAP, retried while it is not bound yet. */
    private String shutdownLine() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(config.shutdownSap(), 1000);
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write("SHUTDOWN\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                        java.nio.charset.StandardCharsets.UTF_8)).readLine();
            } catch (IOException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }
}
