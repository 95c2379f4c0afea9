package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.node.NodeTestSupport.NO_SUCH_PID;
import static tuplespace.node.NodeTestSupport.await;
import static tuplespace.node.NodeTestSupport.freePort;
import static tuplespace.node.NodeTestSupport.loopback;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tuplespace.codec.auth.LinkSecurity;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.netty.SocketTransport;
import tuplespace.node.persistence.FsyncMode;
import tuplespace.replication.ReplicationMessage;

/**
 * The epoch a server started on its data directory serves is recorded in {@code node.meta} only once the proxy accepted
 * it: a start the proxy refuses leaves the directory as it was, and the next start asks for the same epoch again. (When
 * each refused start raised it, the old primary's command line run by a service manager came out above the promoted
 * backup's epoch after two refusals, and replaced that primary once it was lost.) A real server in this JVM, with a
 * fake proxy.
 */
@Timeout(60)
class RestartEpochTest {

    private static final Pattern EPOCH = Pattern.compile("(?m)^epoch=(\\d+)$");
    private static final Pattern EPOCH_SERVER = Pattern.compile("(?m)^epoch-server=([0-9a-f]+)$");

    @TempDir
    Path directory;
    private ServerNode node;

    @AfterEach
    void stopTheNode() {
        if (node != null) {
            node.exit(1);
            node.awaitExit();
        }
    }

    @Test
    void aStartTheProxyRefusesRecordsNoEpochAndTheNextAsksForTheSameOne() throws Exception {
        try (FakeProxy proxy = new FakeProxy()) {
            FakeProxy.Received firstStart = start(proxy);
            Frame.Register first = (Frame.Register) firstStart.frame();
            assertThat(first.epoch()).as("a new directory's first epoch").isEqualTo(1);
            proxy.send(firstStart.link(), new Frame.Registered(1));
            await(() -> recordedEpoch() == 1, "epoch 1 recorded once registered");
            assertThat(recordedServer()).as("with the primary's server id").isEqualTo(first.server());
            stop();

            FakeProxy.Received refused = start(proxy);
            assertThat(((Frame.Register) refused.frame()).epoch()).isEqualTo(2);
            proxy.send(refused.link(), new Frame.StaleEpoch(2));
            assertThat(node.awaitExit()).as("exit status of the refused primary").isEqualTo(1);
            node = null;
            assertThat(recordedEpoch()).as("epoch recorded after the refused start").isEqualTo(1);
            assertThat(recordedServer()).isEqualTo(first.server());

            FakeProxy.Received againStart = start(proxy);
            Frame.Register again = (Frame.Register) againStart.frame();
            assertThat(again.epoch()).as("the epoch the start after the refused one asks for").isEqualTo(2);
            assertThat(recordedEpoch()).as("not recorded before the proxy answers").isEqualTo(1);
            proxy.send(againStart.link(), new Frame.Registered(1));
            await(() -> recordedEpoch() == 2 && recordedServer() == again.server(), "epoch 2 recorded once registered");
        }
    }

    /**
     * Refused for an epoch above every one its directory recorded while no backup follows (the proxy granted it to a
     * backup that died, or saw it from a server whose directory this is not): the newer copy is elsewhere, and the
     * event says to start that server, restarting the proxy only if that copy is lost (a tester was told only to
     * promote or stop a backup that did not exist).
     */
    @Test
    void aStartRefusedForAnEpochAboveItsDirectorysSaysToStartTheServerThatServedIt() throws Exception {
        Path events = directory.resolve("events");
        try (FakeProxy proxy = new FakeProxy()) {
            node = ServerNode.start(config(proxy.address(), loopback(freePort()), new BackupStart.Command("true"),
                    Optional.of(NodeTestSupport.recordingEvents(events))),
                    SocketTransport.forFewLinks());
            FakeProxy.Received asked = proxy.next(Frame.Register.class);
            assertThat(((Frame.Register) asked.frame()).epoch()).isEqualTo(1);
            proxy.send(asked.link(), new Frame.StaleEpoch(3));
            assertThat(node.awaitExit()).as("exit status of the refused primary").isEqualTo(1);
            node = null;
        }
        await(() -> Files.exists(events), "the event written by --notify");
        assertThat(NodeTestSupport.events(events)).startsWith("stale_epoch: the proxy has seen epoch 3")
                .contains("if the proxy's STATUS shows no primary and no followers, start the server that served epoch"
                        + " 3 or above again where it ran")
                .contains("only if that copy is lost for good, restart the proxy as well");
    }

    /**
     * With {@code --backup-start none} the backup runs on another machine, whose copy may be newer than this
     * directory's (a failover this directory never saw): the server registers only once a backup there has judged its
     * state and taken it, however late that backup comes, never on its own. It asks the proxy now and then to take it
     * without that judgement (REGISTER's {@code unjudged}), and a refusal does not stop it.
     */
    @Test
    void withBackupStartNoneAServerOnItsDataDirectoryRegistersOnlyOnceItsBackupTookItsState() throws Exception {
        try (FakeProxy proxy = new FakeProxy();
             java.net.ServerSocket peer = new java.net.ServerSocket()) {
            InetSocketAddress peerSap = loopback(freePort());
            NodeConfig config = config(proxy.address(), peerSap, new BackupStart.None());
            node = ServerNode.start(config, SocketTransport.forFewLinks());
            for (int ask = 1; ask <= 2; ask++) { // and again a second later: a proxy may not have counted a loss yet
                FakeProxy.Received asked = proxy.next(Frame.Register.class);
                assertThat(((Frame.Register) asked.frame()).unjudged()).as("ask %d: before the judgement", ask)
                        .isTrue();
                proxy.send(asked.link(), new Frame.StaleEpoch(0)); // a proxy that waits for no directory of its
            }
            assertThat(LocalService.line(config.shutdownSap().getPort(), "STATUS")).as("its own STATUS")
                    .contains("\"backup\":{\"state\":\"connecting\"").endsWith(",\"registered\":false}");

            peer.setSoTimeout(30_000);
            peer.bind(peerSap); // the backup of the other machine starts, late
            try (NodeTestSupport.RawLink failing = new NodeTestSupport.RawLink(peer.accept())) {
                assertThat(failing.readSkippingHeartbeats()).isInstanceOf(ReplicationMessage.SnapshotBegin.class);
            } // and fails before it took the state: no backup was lost, and the server waits for the next
            try (NodeTestSupport.RawLink backup = new NodeTestSupport.RawLink(peer.accept())) {
                assertThat(backup.readSkippingHeartbeats()).isInstanceOf(ReplicationMessage.SnapshotBegin.class);
                ReplicationMessage.SnapshotEnd end = (ReplicationMessage.SnapshotEnd) backup.readSkippingHeartbeats();
                backup.send(new ReplicationMessage.Ack(end.index(), end.digest(), NO_SUCH_PID, 0x5eed));
                FakeProxy.Received received = proxy.next(Frame.Register.class);
                Frame.Register register = (Frame.Register) received.frame();
                assertThat(register.replica()).as("registered with that backup as its replica").isEqualTo(0x5eed);
                assertThat(register.unjudged()).as("judged now").isFalse();
                proxy.send(received.link(), new Frame.Registered(1));
                await(() -> status(config).endsWith(",\"registered\":true}"), "STATUS to say registered");
                assertThat(status(config)).as("no backup restart counted for the one that failed before it took the"
                        + " state").contains("\"restarts\":0");
            }
        }
    }

    /**
     * The same server, where the proxy stayed up after losing this directory's primary while it served on one copy (the
     * other machine had died): the proxy takes it without its backup's judgement, since no copy elsewhere is newer,
     * and it serves, on one copy, with no backup listening.
     */
    @Test
    void withBackupStartNoneAServerTheProxyWaitsForServesBeforeItsBackupJudged() throws Exception {
        try (FakeProxy proxy = new FakeProxy();
             java.net.ServerSocket peer = new java.net.ServerSocket()) {
            InetSocketAddress peerSap = loopback(freePort());
            NodeConfig config = config(proxy.address(), peerSap, new BackupStart.None());
            node = ServerNode.start(config, SocketTransport.forFewLinks());
            FakeProxy.Received asked = proxy.next(Frame.Register.class);
            Frame.Register register = (Frame.Register) asked.frame();
            assertThat(register.unjudged()).isTrue();
            assertThat(register.directories()).as("names its directory, which the proxy compares").hasSize(1);
            proxy.send(asked.link(), new Frame.Registered(1));
            await(() -> status(config).endsWith(",\"registered\":true}"), "STATUS to say registered");
            await(() -> recordedEpoch() == register.epoch(), "its epoch recorded once registered");
            assertThat(status(config)).contains("\"backup\":{\"state\":\"connecting\"");
            proxy.send(asked.link(), new Frame.Request(7, 1, 0,
                    "{\"id\":1,\"op\":\"PUT\",\"pairs\":[[[\"k\",\"1\"],[\"v\"]]]}"));
            assertThat(proxy.next(Frame.Answer.class).frame()).as("it serves").isInstanceOf(Frame.Answer.class);

            // a backup there that refuses this state once it serves is a backup's failure, as for any primary: the
            // restart policy counts it (no longer "nothing is served yet"), and this primary serves on
            peer.setSoTimeout(30_000);
            peer.bind(peerSap);
            try (NodeTestSupport.RawLink refusing = new NodeTestSupport.RawLink(peer.accept())) {
                assertThat(refusing.readSkippingHeartbeats()).isInstanceOf(ReplicationMessage.SnapshotBegin.class);
                refusing.send(new ReplicationMessage.Refused("holds a newer copy"));
                await(() -> status(config).contains("\"restarts\":1"), "the refusal counted as a backup restart");
            }
            assertThat(status(config)).endsWith(",\"registered\":true}");
        }
    }

    private static String status(NodeConfig config) {
        try {
            return LocalService.line(config.shutdownSap().getPort(), "STATUS");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Starts a server on the data directory with {@code proxy} as its proxy; returns its REGISTER. */
    private FakeProxy.Received start(FakeProxy proxy) throws Exception {
        node = ServerNode.start(config(proxy.address()), SocketTransport.forFewLinks());
        return proxy.next(Frame.Register.class);
    }

    /** Stops the server as a crash would, after its REGISTERED: nothing is saved. */
    private void stop() {
        node.exit(1);
        node.awaitExit();
        node = null;
    }

    /**
     * A server with {@code --data-dir}, {@code --fsync always} and a {@code --backup-start} command that starts
     * nothing: no backup listens, and it registers at once (with {@code none} it would wait for a backup to judge
     * its state).
     */
    private NodeConfig config(InetSocketAddress proxy) {
        return config(proxy, loopback(freePort()), new BackupStart.Command("true"));
    }

    private NodeConfig config(InetSocketAddress proxy, InetSocketAddress peerBackupSap, BackupStart backupStart) {
        return config(proxy, peerBackupSap, backupStart, Optional.empty());
    }

    private NodeConfig config(InetSocketAddress proxy, InetSocketAddress peerBackupSap, BackupStart backupStart,
                              Optional<String> notify) {
        InetSocketAddress backupSap = loopback(freePort());
        return new NodeConfig(loopback(freePort()), proxy, backupSap, loopback(freePort()), Optional.empty(),
                Optional.empty(), Optional.empty(), Duration.ofMillis(100), 10, ReplicationMode.SYNC, 0,
                BackupLossPolicy.DEGRADE, Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofMillis(100),
                Duration.ofSeconds(60), notify, List.of(), Optional.of(directory.resolve("data")),
                FsyncMode.ALWAYS, Optional.empty(), LinkSecurity.none(), peerBackupSap, backupStart);
    }

    private long recordedEpoch() {
        return Long.parseLong(field(EPOCH).orElse("0"));
    }

    private long recordedServer() {
        return Long.parseUnsignedLong(field(EPOCH_SERVER).orElse("0"), 16);
    }

    private Optional<String> field(Pattern pattern) {
        Path meta = directory.resolve("data").resolve("node-a").resolve("node.meta");
        try {
            Matcher matcher = pattern.matcher(Files.exists(meta) ? Files.readString(meta) : "");
            return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // replaced while read: the next look sees the new one
        }
    }
}
