package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.node.NodeTestSupport.NO_SUCH_PID;
import static tuplespace.node.NodeTestSupport.freePort;
import static tuplespace.node.NodeTestSupport.loopback;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tuplespace.codec.Utf8Text;
import tuplespace.codec.auth.LinkSecurity;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.netty.SocketTransport;
import tuplespace.node.NodeTestSupport.RawLink;
import tuplespace.node.persistence.FsyncMode;
import tuplespace.replication.Change;
import tuplespace.replication.Replicated;
import tuplespace.replication.ReplicationMessage;
import tuplespace.space.Effect;
import tuplespace.space.TupleSpace;
import tuplespace.tuple.Pair;

/**
 * A backup an operator started on its own machine (its PRIMARY_HANDLE an address) that recovers a copy holding updates
 * from its data directory follows at the proxy at once, without waiting for a primary to reach it: when the other
 * machine is lost for good, PROMOTE serves that copy (before, it waited silently, and PROMOTE found no backup). On a
 * directory that holds nothing it waits for a primary, as a new backup does. A real server in this JVM, a fake proxy,
 * and the test as its primary.
 */
@Timeout(90)
class RecoveredBackupTest {

    private static final long PRIMARY_SERVER = 0x51;

    @TempDir
    Path directory;
    private final List<Socket> heartbeatLinks = new CopyOnWriteArrayList<>();
    private ServerSocket heartbeatSap;
    private NodeConfig config;
    private ServerNode node;

    @AfterEach
    void stopEverything() throws Exception {
        if (node != null) {
            node.exit(1);
            node.awaitExit();
        }
        if (heartbeatSap != null) {
            heartbeatSap.close();
        }
        for (Socket link : heartbeatLinks) {
            link.close();
        }
    }

    @Test
    void aBackupThatRecoveredACopyFollowsAtTheProxyAtOnceAndPromoteServesIt() throws Exception {
        try (FakeProxy proxy = new FakeProxy()) {
            config = backupConfig(proxy.address());
            node = ServerNode.start(config, SocketTransport.forFewLinks());
            try (RawLink link = RawLink.connect(config.backupSap())) { // a fresh service's first start: an empty state
                takeSnapshot(link, new TupleSpace());
                proxy.next(Frame.Follow.class); // it follows once it holds the copy
                NodeTestSupport.await(this::snapshotOnDisk, "the empty state's snapshot on the backup's disk");
            }
            restart(); // the start stopped before it registered

            assertThat(proxy.nothingWithin(Duration.ofSeconds(1))).as("no FOLLOW with a copy that holds no update")
                    .isTrue();
            TupleSpace primarySpace = new TupleSpace();
            long followingServer;
            try (RawLink link = RawLink.connect(config.backupSap())) {
                takeSnapshot(link, primarySpace);
                for (int index = 1; index <= 3; index++) {
                    Effect effect = new Effect(List.of(), List.of(Pair.of("user," + index, "v")));
                    primarySpace.applyEffect(effect);
                    link.send(new ReplicationMessage.Entries(List.of(new Replicated(1, index,
                            new Change.Applied(9, index, 0, effect, Utf8Text.of("ok\n")))), primarySpace.digest(),
                            index - 1));
                }
                ReplicationMessage.Ack ack;
                do {
                    ack = (ReplicationMessage.Ack) link.readSkippingHeartbeats();
                } while (ack.index() < 3); // acknowledged: on the backup's disk
                followingServer = ((Frame.Follow) proxy.next(Frame.Follow.class).frame()).server();
            }
            restart(); // the whole service went down: both machines; the backup's command line is run again

            FakeProxy.Received follow = proxy.next(Frame.Follow.class);
            Frame.Follow again = (Frame.Follow) follow.frame();
            assertThat(again.server()).as("the restarted process").isNotEqualTo(followingServer);
            assertThat(again.epoch()).as("the recovered copy's epoch").isEqualTo(1);
            assertThat(again.primaryServer()).as("the primary it followed").isEqualTo(PRIMARY_SERVER);
            assertThat(again.directory()).as("its node directory, by name and instance").startsWith("b.")
                    .isEqualTo(node.storage().orElseThrow().directoryName());
            assertThat(again.history()).as("its directory's history, the primary's").isNotZero()
                    .isEqualTo(node.storage().orElseThrow().history());
            assertThat(again.forced()).as("--fsync always").isTrue();

            proxy.send(follow.link(), new Frame.Promote(2, false)); // the operator's PROMOTE
            Frame.Register register = (Frame.Register) proxy.next(Frame.Register.class).frame();
            assertThat(register.epoch()).isEqualTo(2);
            assertThat(register.lastIndex()).as("it serves the copy it recovered").isEqualTo(3);
        }
    }

    /** As the primary of epoch 1: the snapshot of {@code space} at index 0, acknowledged. */
    private void takeSnapshot(RawLink link, TupleSpace space) throws Exception {
        link.send(new ReplicationMessage.SnapshotBegin(1, 0, NO_SUCH_PID, PRIMARY_SERVER, heartbeatSap(), false, false,
                0, -1, 0, 0));
        link.send(ReplicationMessage.SnapshotPairs.of(List.copyOf(space.pairs())));
        link.send(new ReplicationMessage.SnapshotEnd(0, space.digest()));
        assertThat(link.readSkippingHeartbeats()).isInstanceOf(ReplicationMessage.Ack.class);
    }

    /** Stops the backup as a crash would, and runs its command line again on the same data directory. */
    private void restart() throws Exception {
        node.exit(1);
        node.awaitExit();
        node = null;
        // on ports of its own: in this JVM a stopped node's listener may stay open a while, taking connections silently
        config = backupConfig(config.proxySap());
        node = ServerNode.start(config, SocketTransport.forFewLinks());
    }

    private boolean snapshotOnDisk() {
        Path nodeDirectory = directory.resolve("data").resolve("node-b");
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(nodeDirectory)) {
            return files.anyMatch(file -> file.getFileName().toString().endsWith(".snap"));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Where the test, as the primary, takes the backup's heartbeat links: accepted and held open. */
    private String heartbeatSap() throws Exception {
        if (heartbeatSap != null) {
            return NodeNetwork.describe((InetSocketAddress) heartbeatSap.getLocalSocketAddress());
        }
        heartbeatSap = new ServerSocket();
        heartbeatSap.bind(loopback(0));
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    heartbeatLinks.add(heartbeatSap.accept());
                }
            } catch (java.io.IOException closed) {
                // the test is over
            }
        }, "heartbeat-sap");
        acceptor.setDaemon(true);
        acceptor.start();
        return NodeNetwork.describe((InetSocketAddress) heartbeatSap.getLocalSocketAddress());
    }

    /** A backup started by an operator: its primary on another machine (an address), its own data directory. */
    private NodeConfig backupConfig(InetSocketAddress proxy) {
        InetSocketAddress backupSap = loopback(freePort());
        return new NodeConfig(loopback(freePort()), proxy, backupSap, loopback(freePort()), Optional.empty(),
                Optional.of(new PrimaryHandle.Address(loopback(freePort()))), Optional.empty(), Duration.ofMillis(100),
                10, ReplicationMode.SYNC, 0, BackupLossPolicy.DEGRADE, Duration.ofSeconds(60), Duration.ofSeconds(30),
                Duration.ofMillis(100), Duration.ofSeconds(60), Optional.empty(), List.of(),
                Optional.of(directory.resolve("data")), FsyncMode.ALWAYS, Optional.of("b"), LinkSecurity.none(),
                loopback(freePort()), new BackupStart.None());
    }
}
