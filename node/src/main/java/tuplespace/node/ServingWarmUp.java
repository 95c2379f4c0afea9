package tuplespace.node;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.Sap;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.frame.FrameCodec;
import tuplespace.pattern.MatchBudget;
import tuplespace.replication.AnswerRelease;
import tuplespace.replication.Change;
import tuplespace.replication.ReplicatedState;
import tuplespace.space.TupleSpace;

/**
 * Runs the serving path (frames in and out, the fair turns, evaluation, the answer table) on scratch objects in a
 * backup once it holds a complete copy, so that the first answers after a failover wait neither for class loading nor
 * for interpreted code (docs/design.md "Failover": nothing slow before serving). It touches no node state. It runs on
 * a thread of its own: on a cold JVM it takes a second or more of CPU, which must not delay heartbeats or
 * acknowledgements.
 *
 * <p>A fresh primary runs no such warm-up: its first requests load the classes they need as they come. It had one,
 * from its process's start beside its recovery, until 2026-12-05: on 2 cores the warm-up's CPU delayed the recovery
 * more than the first answers gained (restarts on 1,000,000 pairs + 100,000 logged updates, 10 alternated with it,
 * twice: 1,124 against 1,227 ms and 1,314 against 1,431 ms to the first answer, medians). That warm-up had been added
 * for a cold first GET that ran out of its match budget, on a clock read then at every match. The match budget is now
 * the matching thread's CPU time, read only after a thousand character reads of one text, so class loading before
 * that is never charged to it. A cold first request that covers a thousand pairs or more may still pass the event
 * loop's 2 ms share of the request limit ({@code MatchLimits#onTheLoop}); it is then evaluated again on the scan
 * thread, as any big request is: answered in full, only later.
 *
 * <p>A primary that recovers a data directory evaluates only {@link #firstRequests}, on its main thread the first time
 * the recovery waits for its log's thread (or once the log is laid, if it never waits: {@code Recovery.recover}), a
 * wait that left that core idle for about 100 ms in a restart on a million pairs:
 * the JSON codec's Jackson set-up alone was about 45 ms of its first answer (restarts on 1,000,000 pairs + 100,000
 * logged updates, 10 and 14 alternated: medians 647 against 662 and 659 against 662 ms, means 644 against 677 and 653
 * against 688 ms; docs/performance-history.md).
 */
final class ServingWarmUp {

    private static final Logger LOG = LoggerFactory.getLogger(ServingWarmUp.class);
    /** Frame codec round trips are for class loading: a few rounds of them do it. */
    private static final int CODEC_ROUNDS = 3;
    /** Rounds of requests: enough for a takeover's first answers to find the hottest methods compiled. */
    private static final int ROUNDS = 20;
    private static final String[] REQUESTS = {
            "{\"id\":1,\"op\":\"PUT\",\"pairs\":[[[\"w\",\"1\"],[\"v\"]]]}",
            "{\"id\":2,\"op\":\"GET\",\"key\":\"w,.*\",\"value\":\".*\"}",
            "{\"id\":3,\"op\":\"POST\",\"pairs\":[[[\"w\",\"1\"],[\"u\"]]]}",
            "{\"id\":4,\"op\":\"DELETE\",\"key\":\"w,1\",\"value\":\".*\"}",
            "PUT w,2 v", "GET w,.* .*", "DELETE .* .*", "{\"op\":\"TAKE\"}", "{oops"};
    /** Classes a takeover loads that the scratch run below does not reach. */
    private static final List<String> TAKEOVER_CLASSES = List.of(
            "tuplespace.node.PrimaryNode", "tuplespace.node.BackupSupervisor", "tuplespace.node.ProxyLink",
            "tuplespace.node.ShutdownServer", "tuplespace.node.NodeStatus", "tuplespace.node.BackupLauncher",
            "tuplespace.node.BackupState", "io.netty.handler.timeout.IdleStateHandler",
            "io.netty.handler.timeout.ReadTimeoutHandler", "io.netty.handler.codec.LineBasedFrameDecoder",
            "io.netty.handler.codec.string.StringDecoder", "io.netty.handler.codec.string.StringEncoder");

    /** The scratch turns never hold back reading: they run as soon as they are queued. */
    private static final FairTurns.Reading NO_READING = new FairTurns.Reading() {
        @Override
        public void pause() {
        }

        @Override
        public void resume() {
        }
    };

    /** What {@link #firstRequests} evaluates: an exact GET as a JSON client and a text-mode client send it. */
    private static final String[] FIRST_REQUESTS = {"{\"id\":1,\"op\":\"GET\",\"key\":\"w,1\",\"value\":\".*\"}",
            "GET w,1 .*"};

    private ServingWarmUp() {
    }

    /**
     * Loads the code of a first request on the calling thread: evaluates {@link #FIRST_REQUESTS} on a scratch space
     * (parsing, the JSON codec's set-up, evaluation, the answer's writing) and drops the answers. Touches no node
     * state; a failure only makes the first answer slower, so it is logged, never thrown.
     */
    static void firstRequests(RequestEvaluator evaluator) {
        try {
            TupleSpace scratch = new TupleSpace();
            for (String line : FIRST_REQUESTS) {
                ByteBuf request = Unpooled.copiedBuffer(line, StandardCharsets.UTF_8);
                try {
                    evaluator.evaluate(request, scratch, MatchBudget.unlimited(), ByteBufAllocator.DEFAULT).answer()
                            .release();
                } finally {
                    request.release();
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // a class that fails to load or initialize, too: the recovery goes on, and the first request will fail
            // with the same error where a client sees it
            LOG.warn("loading the first requests' code failed (the first answers will only be slower): {}",
                    e.toString());
        }
    }

    /**
     * Runs the warm-up on a daemon thread of its own, named {@code serving-warm-up}; the future completes (never
     * exceptionally) once it is done or has failed.
     */
    static CompletableFuture<Void> start(RequestEvaluator evaluator, MatchLimits limits) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread warmUp = new Thread(() -> {
            try {
                runLoggingFailure(evaluator, limits);
            } finally {
                done.complete(null);
            }
        }, "serving-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
        return done;
    }

    /** Runs the warm-up; a failure only makes a takeover slower, so it is logged and serving goes on. */
    private static void runLoggingFailure(RequestEvaluator evaluator, MatchLimits limits) {
        try {
            run(evaluator, limits);
        } catch (RuntimeException | ClassNotFoundException e) {
            LOG.warn("the warm-up of the serving path failed (the first answers will only be slower): {}", e.toString());
        }
    }

    /** The warm-up itself, on the calling thread; throws if a step of the takeover path fails on scratch data. */
    static void run(RequestEvaluator evaluator, MatchLimits limits) throws ClassNotFoundException {
        long started = System.nanoTime();
        loadTakeoverClasses();
        Fencing.isGone(Fencing.handleOf(ProcessHandle.current().pid()));
        TupleSpace scratch = new TupleSpace();
        ReplicatedState state = new ReplicatedState(scratch);
        AnswerRelease<Frame.Answer> release = new AnswerRelease<>(answer -> { });
        EmbeddedChannel proxyLink = new EmbeddedChannel();
        FrameCodec.install(proxyLink.pipeline());
        // the serving path's own allocator (pooled): its answers are released as the primary's are
        ExactlyOnceRequests requests = new ExactlyOnceRequests(state, evaluator, limits, ByteBufAllocator.DEFAULT);
        // Requests reach the evaluation through the primary's fair turns, as on the loop; a turn runs when queued.
        ArrayDeque<Runnable> turnsDue = new ArrayDeque<>();
        FairTurns turns = new FairTurns(frame -> {
            Frame.Request request = (Frame.Request) frame;
            ByteBuf answer = requests.handle(request).answer();
            requests.handle(request).answer().release(); // resent after a failover: the remembered answer
            release.offer(request.seq(), new Frame.Answer(request.conn(), request.seq(), answer));
            if (request.seq() <= CODEC_ROUNDS * REQUESTS.length) {
                roundTrip(proxyLink, new Frame.Answer(request.conn(), request.seq(), answer));
            }
            answer.release();
        }, turnsDue::add, NO_READING, System::nanoTime, ThreadCpuTime.clockOrWall(), PrimaryNode.SERVING);
        long seq = 0;
        for (int round = 0; round < ROUNDS; round++) {
            for (String line : REQUESTS) {
                seq++;
                Frame.Request request = new Frame.Request(1, seq, seq - 1, line);
                if (round < CODEC_ROUNDS) {
                    roundTrip(proxyLink, request);
                }
                turns.add(request);
                while (!turnsDue.isEmpty()) {
                    turnsDue.poll().run();
                }
            }
            state.apply(new Change.Closed(1));
            requests.connectionClosed(1);
        }
        roundTrip(proxyLink, new Frame.Register(2, 1, 1, new Sap("127.0.0.1", 1), seq, 0));
        roundTrip(proxyLink, new Frame.Registered(1));
        proxyLink.finishAndReleaseAll();
        LOG.info("serving path warmed up ({} rounds) in {} ms", ROUNDS, (System.nanoTime() - started) / 1_000_000);
    }

    private static void loadTakeoverClasses() throws ClassNotFoundException {
        ClassLoader loader = ServingWarmUp.class.getClassLoader();
        for (String name : TAKEOVER_CLASSES) {
            Class.forName(name, true, loader);
        }
    }

    /** Encodes {@code frame} as the link would send it and decodes it back: both directions of the codec. */
    private static void roundTrip(EmbeddedChannel channel, Frame frame) {
        channel.writeOutbound(frame);
        for (ByteBuf bytes = channel.readOutbound(); bytes != null; bytes = channel.readOutbound()) {
            channel.writeInbound(bytes); // the length prefix may come as a buffer of its own
        }
        Object decoded = channel.readInbound();
        boolean same = frame.equals(decoded);
        if (decoded instanceof Frame.Answer answer) {
            answer.answer().release(); // a slice of the read buffer (FrameCodec)
        }
        if (!same) {
            throw new IllegalStateException("expected the frame codec to give back " + frame + ", found " + decoded);
        }
    }
}
