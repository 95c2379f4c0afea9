package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.codec.Utf8Text;
import tuplespace.codec.frame.Frame;
import tuplespace.pattern.MatchBudget;
import tuplespace.replication.Change;
import tuplespace.replication.ReplicatedState;
import tuplespace.space.Effect;
import tuplespace.space.TupleSpace;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/**
 * A GET or DELETE that needs more than the event loop's share is not answered on the loop: it starts there, at its
 * place in the serving order, runs against a snapshot (the scan thread's part, called directly here), and completes
 * on the loop. What it answers and changes is what it would have at that place (GET) or where it completes (DELETE).
 */
@Timeout(20)
class LongRequestTest {

    private static final MatchLimits LIMITS = new MatchLimits(Duration.ofMillis(100), Duration.ofSeconds(60));
    /** Every CPU-time reading is a millisecond later: any request that reads its clock twice spends the loop's share. */
    private final AtomicLong cpu = new AtomicLong();
    private final MatchClock slowCpu = new MatchClock(System::nanoTime, Optional.of(() -> cpu.addAndGet(1_000_000)));
    private final ReplicatedState state = new ReplicatedState(spaceOf(2_000));
    private final ExactlyOnceRequests requests = new ExactlyOnceRequests(state, new CodecRequestEvaluator(), LIMITS, slowCpu);
    private final List<Frame.Request> tooBig = new ArrayList<>();

    private static TupleSpace spaceOf(int pairs) {
        TupleSpace space = new TupleSpace();
        List<Pair> written = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            written.add(new Pair(Tuple.parse("k," + i), Tuple.parse("v" + (i % 10))));
        }
        space.applyEffect(new Effect(List.of(), written));
        return space;
    }

    @Test
    void anExactKeyIsAnsweredOnTheLoopAndAFullScanIsNot() {
        assertThat(requests.handleOnTheLoop(new Frame.Request(1, 1, 0, "GET k,7 .*"), tooBig::add))
                .hasValueSatisfying(handled -> assertThat(handled.answerText()).startsWith("ok 1 pair"));
        Frame.Request scan = new Frame.Request(1, 2, 1, "GET .* .*");
        assertThat(requests.handleOnTheLoop(scan, tooBig::add)).isEmpty();
        assertThat(tooBig).containsExactly(scan);
    }

    @Test
    void theScanThreadEvaluatesAtALowerPriorityThanTheLoop() throws Exception {
        assumeTrue(BackgroundPriority.currentThreadId().flatMap(BackgroundPriority::nice)
                .filter(nice -> nice < BackgroundPriority.NICENESS).isPresent(), "Linux only, below nice 10");
        Frame.Request get = new Frame.Request(1, 1, 0, "GET .* .*");
        assertThat(requests.handleOnTheLoop(get, tooBig::add)).isEmpty();
        LongRequest longGet = LongRequest.start(get, state.space(), 1, requests.allocator()).orElseThrow();
        ScanThread scans = new ScanThread(LIMITS);
        CompletableFuture<Long> scannedOn = new CompletableFuture<>();
        try {
            scans.submit(longGet, done -> scannedOn.complete(BackgroundPriority.currentThreadId().orElse(-1L)));
            long scanThread = scannedOn.get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    BackgroundPriority.nice(scanThread).equals(Optional.of(BackgroundPriority.NICENESS)));
            assertThat(requests.complete(longGet).answerText()).startsWith("ok 2000 pairs");
        } finally {
            scans.stop();
        }
    }

    @Test
    void aLongGetAnswersTheSpaceAsItWasWhereItArrivedNotWhatCameAfter() {
        Frame.Request get = new Frame.Request(1, 1, 0, "GET k,1.* .*");
        assertThat(requests.handleOnTheLoop(get, tooBig::add)).isEmpty();
        LongRequest longGet = LongRequest.start(get, state.space(), 42, requests.allocator()).orElseThrow();
        // served on the loop while the scan thread works: a new matching key, and a matching key removed
        state.space().apply(new tuplespace.space.Command.Put(List.of(Optional.of(Pair.of("k,19999", "new")))),
                MatchBudget.unlimited());
        state.space().applyEffect(new Effect(List.of(Tuple.parse("k,1")), List.of()));

        longGet.scan(MatchBudget.of(LIMITS.matchBudget(), LIMITS.requestCpuLimit(), System::nanoTime), System::nanoTime);
        ExactlyOnceRequests.Handled handled = requests.complete(longGet);

        assertThat(handled.changes()).isEmpty();
        assertThat(longGet.snapshotIndex()).isEqualTo(42);
        assertThat(handled.answerText()).startsWith("ok 1111 pairs\n  k,1 v1\n  k,10 v0\n").doesNotContain("k,19999");
    }

    @Test
    void aLongDeleteRemovesWhatMatchesWhereItCompletesInOneReplicatedEffect() {
        Frame.Request delete = new Frame.Request(1, 1, 0, "DELETE k,1.* v1");
        assertThat(requests.handleOnTheLoop(delete, tooBig::add)).isEmpty();
        LongRequest longDelete = LongRequest.start(delete, state.space(), 0, requests.allocator()).orElseThrow();
        ReplicatedState backup = new ReplicatedState(spaceOf(2_000));
        // between the snapshot and the point where the DELETE takes effect, other clients' updates are served:
        Effect meanwhile = new Effect(List.of(Tuple.parse("k,11")), // a candidate removed
                List.of(Pair.of("k,101", "v2"), // a candidate changed so that it no longer matches
                        Pair.of("k,1999999", "v1"), // a new key that matches
                        Pair.of("k,31", "v1"))); // a changed key that matches, outside the prefix: not removed
        state.space().applyEffect(meanwhile);
        backup.space().applyEffect(meanwhile);

        longDelete.scan(MatchBudget.of(LIMITS.matchBudget(), LIMITS.requestCpuLimit(), System::nanoTime), System::nanoTime);
        ExactlyOnceRequests.Handled handled = requests.complete(longDelete);

        assertThat(handled.changes()).hasSize(1);
        Change.Applied applied = handled.changes().get(0);
        List<String> removed = applied.effect().removed().stream().map(Tuple::text).toList();
        assertThat(removed).contains("k,1", "k,1999999", "k,1991").doesNotContain("k,11", "k,101", "k,31", "k,2");
        assertThat(state.space().valueOf(Tuple.parse("k,1999999"))).isEmpty();
        assertThat(state.space().valueOf(Tuple.parse("k,101"))).hasValue(Tuple.parse("v2"));
        // the effect is all the backup needs: it evaluates no pattern
        backup.apply(applied);
        assertThat(backup.space().digest()).isEqualTo(state.space().digest());
        // resent after a failover, the DELETE gets its first answer and is not applied again
        assertThat(new ExactlyOnceRequests(backup, new CodecRequestEvaluator(), LIMITS).handle(delete).answerText())
                .isEqualTo(handled.answerText());
        assertThat(handled.answerText()).startsWith("ok " + removed.size() + " pairs removed");
    }

    @Test
    void aScanCutOffByTheRequestLimitIsAnsweredSoAndChangesNothing() {
        Frame.Request delete = new Frame.Request(1, 1, 0, "DELETE .* .*");
        assertThat(requests.handleOnTheLoop(delete, tooBig::add)).isEmpty();
        LongRequest longDelete = LongRequest.start(delete, state.space(), 0, requests.allocator()).orElseThrow();
        long digest = state.space().digest();

        AtomicLong scanCpu = new AtomicLong();
        longDelete.scan(MatchBudget.of(LIMITS.matchBudget(), Duration.ofMillis(2), () -> scanCpu.addAndGet(1_000_000)),
                System::nanoTime);
        ExactlyOnceRequests.Handled handled = requests.complete(longDelete);

        assertThat(handled.answerText()).startsWith("ok 0 pairs removed").contains("warning:");
        assertThat(state.space().digest()).isEqualTo(digest);
        assertThat(state.space().size()).isEqualTo(2_000);
    }

    @Test
    void aFailureOnTheScanThreadIsAnsweredUnavailableAndRemembered() {
        Frame.Request get = new Frame.Request(1, 1, 0, "GET .* .*");
        LongRequest longGet = LongRequest.start(get, state.space(), 0, requests.allocator()).orElseThrow();
        longGet.failed(new IllegalStateException("a bug"));
        ExactlyOnceRequests.Handled handled = requests.complete(longGet);
        assertThat(handled.answerText()).startsWith("unavailable: internal error");
        assertThat(state.answers().lookup(1, 1)).hasValue(Utf8Text.of(handled.answerText()));
    }

    @Test
    void onlyGetAndDeleteCanBeLong() {
        assertThat(LongRequest.start(new Frame.Request(1, 1, 0, "PUT a b"), state.space(), 0, requests.allocator())).isEmpty();
        assertThat(LongRequest.start(new Frame.Request(1, 1, 0, "{oops"), state.space(), 0, requests.allocator())).isEmpty();
    }
}
