package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tuplespace.codec.auth.LinkSecurity;
import tuplespace.codec.frame.Frame;
import tuplespace.replication.ReplicatedState;
import tuplespace.space.Effect;
import tuplespace.space.TupleSpace;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;
import tuplespace.node.persistence.FsyncMode;

/**
 * A primary (here: one that just took over) and its link to a fake proxy in this JVM: a lost link registers again
 * with the same (epoch, pid), and a proxy that cannot be reached for long is waited for, with back-off, for as long as
 * it takes: the primary keeps its space and registers once the proxy is back (README "Guarantees and their limits").
 * Its backup child is given a JVM option that does not exist, so it fails at once and the primary serves degraded.
 */
@Timeout(60)
class ProxyLinkLossTest {

    private static final String PUT = "{\"id\":1,\"op\":\"PUT\",\"pairs\":[[[\"user\",\"1\"],[\"alice\"]]]}";
    /**
     * The primary's --primary-register-timeout here: a proxy gone is waited out past it (2.5 times), which costs each
     * test that long, so it is short.
     */
    private static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration PAST_THE_REGISTER_TIMEOUT = REGISTER_TIMEOUT.multipliedBy(5).dividedBy(2);

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

    private NodeConfig config(InetSocketAddress proxy) {
        InetSocketAddress backupSap = freeAddress();
        return new NodeConfig(freeAddress(), proxy, backupSap, freeAddress(), Optional.of(saveFile()),
                Optional.of(new PrimaryHandle.Pid(1)), Optional.empty(), Duration.ofMillis(100), 8, ReplicationMode.SYNC, 0,
                BackupLossPolicy.DEGRADE, REGISTER_TIMEOUT, Duration.ofSeconds(30), Duration.ofMillis(100),
                Duration.ofSeconds(60), Optional.empty(), List.of("-XX:+NoSuchOptionForThisTest"), Optional.empty(),
                FsyncMode.ALWAYS, Optional.empty(), LinkSecurity.none(), backupSap, new BackupStart.Child());
    }

    private Path saveFile() {
        return directory.resolve("space.json");
    }

    private void takeOver(NodeConfig config, TupleSpace space) {
        node = new ServerNode(config, new CodecRequestEvaluator(), new SpaceFilePersistence());
        node.loop().execute(() -> node.becomePrimary(new ReplicatedState(space), 2, 0,
                Optional.of(TakeoverTimeline.startingNow()), false));
    }

    /** A client the proxy says closed gets no more answers to its reads (nobody takes them); its updates still apply. */
    @Test
    void theReadsOfAClientTheProxySaysClosedAreNotServedButItsUpdatesAre() throws Exception {
        try (FakeProxy proxy = new FakeProxy()) {
            takeOver(config(proxy.address()), new TupleSpace());
            FakeProxy.Received register = proxy.next(Frame.Register.class);
            proxy.send(register.link(), new Frame.Registered(1));
            proxy.sendTogether(register.link(), new Frame.Request(7, 1, 0, "GET .* .*"),
                    new Frame.Request(7, 2, 0, PUT), new Frame.Request(7, 3, 0, "GET .* .*"), new Frame.Closed(7));
            assertThat(((Frame.Answer) proxy.next(Frame.Answer.class).frame()))
                    .as("the PUT's, not the GETs'").satisfies(answer -> assertThat(answer.seq()).isEqualTo(2));
            proxy.send(register.link(), new Frame.Request(8, 1, 0, "GET .* .*"));
            assertThat(((Frame.Answer) proxy.next(Frame.Answer.class).frame()).answerText()).startsWith("ok 1 pair");
        }
    }

    @Test
    void aLostLinkRegistersAgainWithTheSameEpochAndPidAndAProxyGoneForLongIsWaitedFor() throws Exception {
        FakeProxy.Received again;
        Frame.Register first;
        InetSocketAddress address;
        try (FakeProxy proxy = new FakeProxy()) {
            address = proxy.address();
            takeOver(config(address), new TupleSpace());
            FakeProxy.Received register = proxy.next(Frame.Register.class);
            first = (Frame.Register) register.frame();
            proxy.send(register.link(), new Frame.Registered(1));
            proxy.send(register.link(), new Frame.Request(7, 1, 0, PUT));
            String answer = ((Frame.Answer) proxy.next(Frame.Answer.class).frame()).answerText();
            assertThat(answer).isEqualTo("{\"id\":1,\"status\":\"ok\",\"pairs\":[]}\n");

            register.link().close().syncUninterruptibly(); // a transient loss, not a failed proxy

            again = proxy.next(Frame.Register.class);
            Frame.Register second = (Frame.Register) again.frame();
            assertThat(second.epoch()).isEqualTo(first.epoch());
            assertThat(second.pid()).isEqualTo(first.pid());
            proxy.send(again.link(), new Frame.Registered(1));
            proxy.send(again.link(), new Frame.Request(7, 1, 0, PUT)); // resent: its answer never arrived
            assertThat(((Frame.Answer) proxy.next(Frame.Answer.class).frame()).answerText()).isEqualTo(answer);
            proxy.send(again.link(), new Frame.Request(7, 2, 1, "GET .* .*"));
            assertThat(((Frame.Answer) proxy.next(Frame.Answer.class).frame()).answerText()).startsWith("ok 1 pair");

            proxy.stopListening();
            again.link().close().syncUninterruptibly(); // now the proxy is gone, for longer than the register timeout
        }
        assertStillRunningAfter(PAST_THE_REGISTER_TIMEOUT);

        try (FakeProxy restarted = new FakeProxy(address.getPort())) {
            FakeProxy.Received back = restarted.next(Frame.Register.class);
            Frame.Register third = (Frame.Register) back.frame();
            assertThat(third.epoch()).isEqualTo(first.epoch());
            assertThat(third.pid()).isEqualTo(first.pid());
            restarted.send(back.link(), new Frame.Registered(2));
            restarted.send(back.link(), new Frame.Request(1, 1, 0, "GET .* .*"));
            assertThat(((Frame.Answer) restarted.next(Frame.Answer.class).frame()).answerText())
                    .as("the space kept while the proxy was gone").startsWith("ok 1 pair").contains("user,1 alice");
        }
    }

    @Test
    void aTakeoverThatCannotReachTheProxyKeepsItsSpaceAndRegistersOnceTheProxyIsThere() throws Exception {
        TupleSpace space = new TupleSpace();
        space.applyEffect(new Effect(List.of(), List.of(pair("user,1", "alice"))));
        InetSocketAddress address = freeAddress();
        takeOver(config(address), space); // nothing listens there yet
        assertStillRunningAfter(PAST_THE_REGISTER_TIMEOUT);

        try (FakeProxy proxy = new FakeProxy(address.getPort())) {
            FakeProxy.Received register = proxy.next(Frame.Register.class);
            assertThat(((Frame.Register) register.frame()).epoch()).isEqualTo(2);
            proxy.send(register.link(), new Frame.Registered(1));
            proxy.send(register.link(), new Frame.Request(1, 1, 0, "GET .* .*"));
            assertThat(((Frame.Answer) proxy.next(Frame.Answer.class).frame()).answerText())
                    .startsWith("ok 1 pair").contains("user,1 alice");
        }
    }

    /**
     * A backup that took over holds the service's newest space, registered or not: SHUTDOWN at its own SHUTDOWN_SAP
     * while no proxy can be reached writes SAVE_FILE (only a server that never served leaves it as it was).
     */
    @Test
    void aTakeoverThatCannotReachTheProxySavesItsSpaceOnShutdown() throws Exception {
        TupleSpace space = new TupleSpace();
        space.applyEffect(new Effect(List.of(), List.of(pair("user,1", "alice"))));
        NodeConfig config = config(freeAddress()); // nothing listens there
        takeOver(config, space);
        String answer = null;
        for (int tries = 0; answer == null; tries++) { // once its SHUTDOWN_SAP is bound
            try {
                answer = LocalService.line(config.shutdownSap().getPort(), "SHUTDOWN");
            } catch (java.net.ConnectException notYet) {
                assertThat(tries).as("SHUTDOWN_SAP bound within 10 s").isLessThan(200);
                Thread.sleep(50);
            }
        }
        assertThat(answer).isEqualTo("ok: saved 1 pair to " + saveFile() + "; shutting down");
        assertThat(node.exitFuture().get(30, TimeUnit.SECONDS)).isZero();
        assertThat(java.nio.file.Files.readString(saveFile())).contains("alice");
    }

    /** The node has not exited within {@code time} (more than the {@link #REGISTER_TIMEOUT} of {@link #config}). */
    private void assertStillRunningAfter(Duration time) throws Exception {
        assertThatThrownBy(() -> node.exitFuture().get(time.toMillis(), TimeUnit.MILLISECONDS))
                .as("the primary keeps its space and keeps trying to register")
                .isInstanceOf(TimeoutException.class);
    }

    private static Pair pair(String key, String value) {
        return new Pair(Tuple.parse(key), Tuple.parse(value));
    }

    private static InetSocketAddress freeAddress() {
        return NodeTestSupport.loopback(NodeTestSupport.freePort());
    }
}
