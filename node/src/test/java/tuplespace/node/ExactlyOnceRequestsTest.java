package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.codec.Utf8Text;
import tuplespace.codec.frame.Frame;
import tuplespace.replication.Change;
import tuplespace.replication.ReplicatedState;
import tuplespace.space.TupleSpace;

@Timeout(10)
class ExactlyOnceRequestsTest {

    private final ReplicatedState primaryState = new ReplicatedState(new TupleSpace());
    private final ExactlyOnceRequests primary = requestsOn(primaryState);
    private final List<Change> log = new ArrayList<>();

    private static ExactlyOnceRequests requestsOn(ReplicatedState state) {
        return new ExactlyOnceRequests(state, new CodecRequestEvaluator(), new MatchLimits(Duration.ofMillis(100), Duration.ofSeconds(60)));
    }

    private static Frame.Request put(long conn, long seq, long floor, String key) {
        return new Frame.Request(conn, seq, floor, "{\"id\":" + seq + ",\"op\":\"PUT\",\"pairs\":[[[\"" + key + "\"],[\"v\"]]]}");
    }

    private String handleOnPrimary(Frame.Request request) {
        ExactlyOnceRequests.Handled handled = primary.handle(request);
        log.addAll(handled.changes());
        return handled.answerText();
    }

    @Test
    void pipelinedUpdatesAddOneEntryEachAndTheFloorTheyCarryForgetsDeliveredAnswers() {
        for (long seq = 1; seq <= 100; seq++) {
            handleOnPrimary(put(7, seq, Math.max(0, seq - 3), "k" + seq)); // three answers in flight
        }
        assertThat(log).hasSize(100).allMatch(change -> change instanceof Change.Applied);
        assertThat(primaryState.answers().entries()).extracting(entry -> entry.seq()).containsExactlyInAnyOrder(98L, 99L, 100L);
        ReplicatedState backup = new ReplicatedState(new TupleSpace());
        log.forEach(backup::apply);
        assertThat(backup.answers().entries()).containsExactlyInAnyOrderElementsOf(primaryState.answers().entries());
        assertThat(backup.space().digest()).isEqualTo(primaryState.space().digest());
    }

    @Test
    void aResentUpdateGetsItsFirstAnswerFromTheNewPrimaryAndIsNotAppliedAgain() {
        String first = handleOnPrimary(put(7, 1, 0, "user"));
        // the primary dies before the answer is delivered; the backup has the entry and takes over
        ReplicatedState backupState = new ReplicatedState(new TupleSpace());
        log.forEach(backupState::apply);
        long digest = backupState.space().digest();
        ExactlyOnceRequests.Handled resent = requestsOn(backupState).handle(put(7, 1, 0, "user"));
        assertThat(resent.answerText()).isEqualTo(first);
        assertThat(resent.changes()).isEmpty();
        assertThat(backupState.space().digest()).isEqualTo(digest);
        // evaluated again, the same PUT would have answered differently: its pair is not added a second time
        assertThat(requestsOn(backupState).handle(put(7, 2, 1, "user")).answerText()).isNotEqualTo(first);
    }

    /**
     * Whether an answer may only leave as it is once the log holds its change: the primary tells a client that an
     * update's outcome is unknown when its disk fails for long, never a read, nor an update that changed nothing.
     */
    @Test
    void anAnswerSaysWhetherItsUpdateChangedTheSpaceOrMayHave() {
        assertThat(primary.handle(put(7, 1, 0, "a")).changedTheSpace()).as("a PUT that added").isTrue();
        ExactlyOnceRequests.Handled resent = primary.handle(put(7, 1, 0, "a"));
        assertThat(resent.changes()).isEmpty();
        assertThat(resent.changedTheSpace()).as("a resent update: its first evaluation may have").isTrue();
        assertThat(primary.handle(put(7, 2, 1, "a")).changedTheSpace()).as("a PUT of a key present").isFalse();
        assertThat(primary.handle(get(7, 3, 2, "a")).changedTheSpace()).as("a GET").isFalse();
        assertThat(primary.refuseUpdate(put(7, 4, 3, "b"), "disk error").orElseThrow().changedTheSpace()).isFalse();
    }

    /**
     * Read answers kept for a possible update are bounded in bytes: past the bound a read's stands in as an error that
     * says its answer was lost, which only a resend after a failover could see.
     */
    @Test
    void readAnswersKeptForALaterUpdateAreBoundedAndOnesPastTheBoundAreResentAsLost() {
        String value = "v".repeat(1 << 20);
        handleOnPrimary(new Frame.Request(7, 1, 0,
                "{\"id\":1,\"op\":\"PUT\",\"pairs\":[[[\"big\"],[\"" + value + "\"]]]}"));
        int reads = (int) (ExactlyOnceRequests.KEPT_READS_LIMIT >> 20) + 5;
        List<String> answers = new ArrayList<>();
        for (int seq = 2; seq <= reads + 1; seq++) {
            answers.add(handleOnPrimary(get(7, seq, 1, "big")));
        }
        assertThat(primary.keptReadBytes()).isLessThanOrEqualTo(ExactlyOnceRequests.KEPT_READS_LIMIT)
                .isGreaterThan(ExactlyOnceRequests.KEPT_READS_LIMIT - (2 << 20));
        handleOnPrimary(put(7, reads + 2, 1, "after")); // the reads become table entries, as a failover needs them
        assertThat(primary.keptReadBytes()).isZero();

        ReplicatedState backupState = new ReplicatedState(new TupleSpace());
        log.forEach(backupState::apply);
        ExactlyOnceRequests newPrimary = requestsOn(backupState);
        assertThat(newPrimary.handle(get(7, 2, 1, "big")).answerText()).as("kept: its first answer")
                .isEqualTo(answers.get(0));
        assertThat(newPrimary.handle(get(7, reads + 1, 1, "big")).answerText()).as("past the bound")
                .startsWith("{\"id\":" + (reads + 1) + ",\"status\":\"unavailable\",\"error\":\"the answer to this read"
                        + " was lost in a failover").endsWith("nothing was changed: send it again\"}\n");
    }

    @Test
    void aReadChangesNothingAndLeavesTheReleaseToTheNextUpdate() {
        handleOnPrimary(put(7, 1, 0, "a"));
        ExactlyOnceRequests.Handled read = primary.handle(new Frame.Request(7, 2, 1, "GET .* .*"));
        assertThat(read.changes()).isEmpty();
        assertThat(read.answerText()).startsWith("ok 1 pair");
        assertThat(primaryState.answers().lookup(7, 1)).isPresent();
        handleOnPrimary(put(7, 3, 2, "b")); // the read was delivered (floor 2): nothing to keep of it
        assertThat(log).hasSize(2);
        assertThat(((Change.Applied) log.get(1)).floor()).isEqualTo(2);
        assertThat(primaryState.answers().lookup(7, 1)).isEmpty();
        assertThat(primaryState.answers().lookup(7, 3)).isPresent();
    }

    @Test
    void aReadResentAfterALaterUpdateOfItsConnectionGetsItsFirstAnswerNotOneFromItsFuture() {
        handleOnPrimary(put(7, 1, 0, "a"));
        Frame.Request read = new Frame.Request(7, 2, 0, "GET a .*");
        String firstAnswer = handleOnPrimary(read);
        // pipelined: the client deletes "a" before the read's answer is delivered; then the primary dies
        handleOnPrimary(new Frame.Request(7, 3, 0, "DELETE a .*"));
        assertThat(log).hasSize(3); // the read's answer went first, with no effect
        ReplicatedState backupState = new ReplicatedState(new TupleSpace());
        log.forEach(backupState::apply);
        ExactlyOnceRequests newPrimary = requestsOn(backupState);
        assertThat(newPrimary.handle(read).answerText()).isEqualTo(firstAnswer).startsWith("ok 1 pair");
        // evaluated again it would have answered from after the DELETE
        assertThat(newPrimary.handle(new Frame.Request(7, 4, 0, "GET a .*")).answerText()).startsWith("ok 0 pairs");
    }

    @Test
    void aReadWhoseAnswerWasDeliveredAddsNoEntry() {
        handleOnPrimary(new Frame.Request(7, 1, 0, "GET a .*"));
        handleOnPrimary(put(7, 2, 1, "a")); // floor 1: the read's answer reached the client
        assertThat(log).hasSize(1);
    }

    private static Frame.Request get(long conn, long seq, long floor, String keyexp) {
        return new Frame.Request(conn, seq, floor, "{\"id\":" + seq + ",\"op\":\"GET\",\"key\":\"" + keyexp + "\",\"value\":\".*\"}");
    }

    private static Frame.Request post(long conn, long seq, long floor, String key, String value) {
        return new Frame.Request(conn, seq, floor, "{\"id\":" + seq + ",\"op\":\"POST\",\"pairs\":[[[\"" + key + "\"],[\"" + value + "\"]]]}");
    }

    @Test
    void aResentReadThatAnUpdateOnItsConnectionFollowedGetsItsFirstAnswerNotOneThatSeesTheUpdate() {
        handleOnPrimary(put(7, 1, 0, "a"));
        String firstRead = handleOnPrimary(get(7, 51, 1, "a"));
        handleOnPrimary(post(7, 55, 1, "a", "changed")); // pipelined: GET 51's answer not delivered yet
        assertThat(firstRead).contains("\"v\"");
        // The primary dies before GET 51's answer leaves; the backup has everything the log carried.
        ReplicatedState backupState = new ReplicatedState(new TupleSpace());
        log.forEach(backupState::apply);
        ExactlyOnceRequests newPrimary = requestsOn(backupState);
        long digest = backupState.space().digest();
        ExactlyOnceRequests.Handled resentRead = newPrimary.handle(get(7, 51, 1, "a"));
        ExactlyOnceRequests.Handled resentPost = newPrimary.handle(post(7, 55, 1, "a", "changed"));
        assertThat(resentRead.answerText()).isEqualTo(firstRead);
        assertThat(resentRead.changes()).isEmpty();
        assertThat(resentPost.changes()).isEmpty();
        assertThat(backupState.space().digest()).isEqualTo(digest);
        // evaluated afresh, GET 51 would have seen POST 55
        assertThat(newPrimary.handle(get(8, 1, 0, "a")).answerText()).contains("changed");
        assertThat(backupState.answers().entries()).containsExactlyInAnyOrderElementsOf(primaryState.answers().entries());
    }

    @Test
    void readsBeforeAnUpdateAreReplicatedAsAnswersWithNoEffectAndOnlyWhileUndelivered() {
        handleOnPrimary(get(7, 1, 0, ".*"));
        handleOnPrimary(get(7, 2, 0, ".*"));
        handleOnPrimary(get(7, 3, 1, ".*")); // the proxy delivered GET 1
        handleOnPrimary(put(7, 4, 1, "a"));
        assertThat(log).hasSize(3);
        assertThat(log.subList(0, 2)).allSatisfy(change -> {
            Change.Applied read = (Change.Applied) change;
            assertThat(read.effect().removed()).isEmpty();
            assertThat(read.effect().written()).isEmpty();
        });
        assertThat(log).extracting(change -> ((Change.Applied) change).seq()).containsExactly(2L, 3L, 4L);
        assertThat(primary.undeliveredReadCount()).isZero();
        // the next update's floor forgets them like update answers
        handleOnPrimary(put(7, 5, 4, "b"));
        assertThat(primaryState.answers().entries()).extracting(entry -> entry.seq()).containsExactly(5L);
    }

    @Test
    void undeliveredReadsAreForgottenByTheFloorAndByClosedSoMemoryStaysBounded() {
        for (long seq = 1; seq <= 50; seq++) {
            primary.handle(get(7, seq, Math.max(0, seq - 2), ".*"));
        }
        assertThat(primary.undeliveredReadCount()).isEqualTo(2);
        primary.handle(get(8, 1, 0, ".*"));
        primary.connectionClosed(7);
        assertThat(primary.undeliveredReadCount()).isEqualTo(1);
        assertThat(log).isEmpty();
    }

    @Test
    void aConnectionKeepsAtMostMaxInFlightUndeliveredReadsWhateverFloorItsRequestsCarry() {
        int inFlight = Frame.Request.MAX_IN_FLIGHT;
        for (long seq = 1; seq <= 3L * inFlight; seq++) {
            // a proxy keeping its rule sends floor >= seq - MAX_IN_FLIGHT; this one says nothing was delivered
            primary.handle(new Frame.Request(7, seq, 0, "GET .* .*"));
        }
        assertThat(primary.undeliveredReadCount()).isEqualTo(inFlight);
    }

    /**
     * Answers are pooled buffers: the caller's reference goes when the answer is framed; the one kept for a read until
     * it is known delivered goes with the floor, with CLOSED, with a resend, or when an update turns it into a table
     * entry (text). None is left behind.
     */
    @Test
    void keptReadAnswersAreReleasedWhenTheyGo() {
        ExactlyOnceRequests pooled = new ExactlyOnceRequests(primaryState, new CodecRequestEvaluator(),
                new MatchLimits(Duration.ofMillis(100), Duration.ofSeconds(60)), PooledByteBufAllocator.DEFAULT);
        pooled.handle(put(7, 1, 0, "a")).answer().release();
        ByteBuf deliveredRead = answered(pooled, get(7, 2, 1, "a"));
        ByteBuf resentRead = answered(pooled, get(7, 3, 1, "a"));
        ByteBuf resentAgain = answered(pooled, get(7, 3, 1, "a")); // the same seq on a new proxy link
        assertThat(List.of(deliveredRead, resentRead, resentAgain)).extracting(ByteBuf::refCnt).containsExactly(1, 0, 1);
        ByteBuf readBeforeUpdate = answered(pooled, get(7, 4, 2, "a")); // floor 2: GET 2 was delivered
        assertThat(deliveredRead.refCnt()).isZero();
        String readText = readBeforeUpdate.toString(StandardCharsets.UTF_8);
        ExactlyOnceRequests.Handled update = pooled.handle(post(7, 5, 2, "a", "b"));
        String updateText = update.answerText();
        update.answer().release();
        assertThat(List.of(resentAgain, readBeforeUpdate)).extracting(ByteBuf::refCnt).containsOnly(0);
        assertThat(primaryState.answers().lookup(7, 4)).hasValue(Utf8Text.of(readText)); // its bytes kept in the table
        ByteBuf closedRead = answered(pooled, get(8, 1, 0, "a"));
        pooled.connectionClosed(8);
        assertThat(closedRead.refCnt()).isZero();
        assertThat(pooled.undeliveredReadCount()).isZero();
        ByteBuf remembered = pooled.handle(post(7, 5, 2, "a", "b")).answer(); // resent update: the table's answer
        assertThat(remembered.toString(StandardCharsets.UTF_8)).isEqualTo(updateText);
        assertThat(remembered.release()).isTrue();
    }

    /** Handles {@code request} and lets its answer go as the primary does once framed; the kept reference stays. */
    private static ByteBuf answered(ExactlyOnceRequests requests, Frame.Request request) {
        ByteBuf answer = requests.handle(request).answer();
        answer.release();
        return answer;
    }
}
