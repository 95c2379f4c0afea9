package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class PendingRequestsTest {

    private final PendingRequests pending = new PendingRequests();

    private static ByteBuf b(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    private static String text(ByteBuf bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The answers as text; releases them, as the client's channel would once it wrote them. */
    private static List<String> texts(List<ByteBuf> answers) {
        List<String> texts = answers.stream().map(PendingRequestsTest::text).toList();
        answers.forEach(ByteBuf::release);
        return texts;
    }

    @Test
    void linesCountInBytesAndEverythingKeptIsReleasedWhenTheConnectionGoes() {
        ByteBuf delivered = b("GET é,1 .*");
        ByteBuf answered = b("GET ü .*");
        ByteBuf waiting = b("PUT 😀 v");
        pending.addForwarded(delivered);
        pending.addForwarded(answered);
        pending.addForwarded(waiting);
        assertThat(pending.lineBytes()).isEqualTo(11 + 9 + 10);
        ByteBuf first = b("A\n");
        ByteBuf second = b("B\n");
        pending.answer(1, first);
        pending.answer(2, second);
        List<ByteBuf> taken = pending.takeDeliverable();
        assertThat(taken).containsExactly(first, second);
        assertThat(delivered.refCnt()).as("a delivered request's line is released").isZero();
        assertThat(first.refCnt()).as("the answers are the caller's now").isEqualTo(1);
        taken.forEach(ByteBuf::release);

        pending.addForwarded(b("GET x .*"));
        ByteBuf late = b("C\n");
        pending.answer(4, late);
        pending.releaseAll();
        assertThat(waiting.refCnt()).isZero();
        assertThat(late.refCnt()).isZero();
        assertThat(pending.isEmpty()).isTrue();
        assertThat(pending.lineBytes()).isZero();
    }

    @Test
    void theRingOfRequestsGrowsAndStillFindsEachSeq() {
        for (int i = 1; i <= 100; i++) {
            pending.addForwarded(b("r" + i));
        }
        for (int i = 100; i >= 2; i--) {
            assertThat(pending.answer(i, b("a" + i + "\n"))).isTrue();
        }
        assertThat(pending.takeDeliverable()).isEmpty();
        assertThat(pending.answer(1, b("a1\n"))).isTrue();
        List<String> answers = texts(pending.takeDeliverable());
        assertThat(answers).hasSize(100).startsWith("a1\n", "a2\n").endsWith("a100\n");
        assertThat(pending.floor()).isEqualTo(100);
        pending.addForwarded(b("r101"));
        assertThat(pending.unansweredLine(101)).hasValueSatisfying(line -> assertThat(text(line)).isEqualTo("r101"));
        assertThat(pending.unansweredLine(100)).isEmpty();
    }

    @Test
    void answersAreDeliveredInSeqOrderWhateverOrderTheyArriveIn() {
        pending.addForwarded(b("a"));
        pending.addForwarded(b("b"));
        pending.addForwarded(b("c"));

        assertThat(pending.answer(3, b("C\n"))).isTrue();
        assertThat(texts(pending.takeDeliverable())).isEmpty(); // answers in request order (docs/protocol.md)
        assertThat(pending.answer(1, b("A\n"))).isTrue();
        assertThat(texts(pending.takeDeliverable())).containsExactly("A\n");
        assertThat(pending.floor()).isEqualTo(1);
        assertThat(pending.answer(2, b("B\n"))).isTrue();
        assertThat(texts(pending.takeDeliverable())).containsExactly("B\n", "C\n");
        assertThat(pending.floor()).isEqualTo(3);
        assertThat(pending.isEmpty()).isTrue();
    }

    @Test
    void aSecondAnswerForTheSameSeqIsDropped() {
        pending.addForwarded(b("a"));
        pending.addForwarded(b("b"));
        assertThat(pending.answer(2, b("first\n"))).isTrue();
        // a resent request answered again by the new primary
        assertThat(pending.answer(2, b("second\n"))).isFalse();
        assertThat(pending.answer(1, b("A\n"))).isTrue();
        assertThat(texts(pending.takeDeliverable())).containsExactly("A\n", "first\n");
        assertThat(pending.answer(1, b("late\n"))).isFalse(); // already delivered
        assertThat(pending.answer(99, b("never asked\n"))).isFalse();
    }

    @Test
    void unansweredListsWhatANewPrimaryMustGetAgainInOrder() {
        pending.addForwarded(b("a"));
        pending.addForwarded(b("b"));
        pending.addForwarded(b("c"));
        pending.answer(2, b("B\n"));
        assertThat(pending.unanswered()).extracting(PendingRequests.Pending::seq).containsExactly(1L, 3L);
        assertThat(pending.unanswered()).extracting(request -> text(request.line())).containsExactly("a", "c");
    }

    @Test
    void onlyRequestsHeldWithoutAPrimaryExpireCountedFromWhenTheyWereHeld() {
        pending.addHeld(b("a"), 10);
        pending.addHeld(b("b"), 20);
        pending.addHeld(b("c"), 30);
        pending.answer(2, b("B\n"));

        assertThat(pending.expire(20, 10, request -> b("unavailable " + text(request.line()) + "\n"))).isEqualTo(1);
        assertThat(texts(pending.takeDeliverable())).containsExactly("unavailable a\n", "B\n");
        assertThat(pending.nextDeadline(10)).hasValue(40);
        // the primary's answer after the proxy answered for it is dropped
        assertThat(pending.answer(1, b("A\n"))).isFalse();
        assertThat(pending.expire(39, 10, request -> b("x\n"))).isZero();
        assertThat(pending.expire(40, 10, request -> b("unavailable " + text(request.line()) + "\n"))).isEqualTo(1);
        assertThat(texts(pending.takeDeliverable())).containsExactly("unavailable c\n");
        assertThat(pending.nextDeadline(10)).isEmpty();
    }

    @Test
    void aRequestInTheHandsOfARegisteredPrimaryNeverExpires() {
        pending.addHeld(b("a"), 0);
        pending.forwarded(pending.unanswered().get(0));
        pending.addForwarded(b("b"));
        assertThat(pending.nextDeadline(10)).isEmpty();
        assertThat(pending.expire(Long.MAX_VALUE / 2, 10, request -> b("unavailable\n"))).isZero();
        assertThat(pending.answer(1, b("A\n"))).isTrue();
    }

    @Test
    void losingThePrimaryStartsTheTimerOfTheRequestsItHadAndTellsThemApart() {
        pending.addHeld(b("never sent"), 100);
        pending.addForwarded(b("sent"));
        pending.addHeld(b("arrived after the loss"), 150);
        pending.holdAll(200); // the primary is lost at 200; "never sent" keeps its earlier start
        assertThat(pending.nextDeadline(1000)).hasValue(1100);
        assertThat(pending.expire(1100, 1000, request -> b(text(request.line()) + " " + request.forwarded() + "\n")))
                .isEqualTo(1);
        assertThat(pending.expire(1199, 1000, request -> b("x\n"))).isEqualTo(1); // held since 150
        assertThat(pending.expire(1200, 1000, request -> b(text(request.line()) + " " + request.forwarded() + "\n")))
                .isEqualTo(1);
        assertThat(texts(pending.takeDeliverable())).containsExactly("never sent false\n", "sent true\n", "x\n");
    }

    @Test
    void aProxyAnsweredRequestWaitsForTheOnesBeforeIt() {
        pending.addForwarded(b("a"));
        pending.addAnswered(b("malformed\n"));
        assertThat(texts(pending.takeDeliverable())).isEmpty();
        pending.answer(1, b("A\n"));
        assertThat(texts(pending.takeDeliverable())).containsExactly("A\n", "malformed\n");
    }

    @Test
    void expireHeldAnswersEveryHeldRequestWhateverItsDeadlineAndLeavesTheForwardedOnes() {
        pending.addHeld(b("a"), 10);
        pending.addForwarded(b("b"));
        pending.addHeld(b("c"), 1_000);
        assertThat(pending.expireHeld(request -> b("unavailable " + text(request.line()) + "\n"))).isEqualTo(2);
        assertThat(pending.nextDeadline(10)).isEmpty();
        assertThat(pending.unansweredCount()).isEqualTo(1);
        pending.answer(2, b("B\n"));
        assertThat(texts(pending.takeDeliverable())).containsExactly("unavailable a\n", "B\n", "unavailable c\n");
    }

    @Test
    void expireAllAnswersEverythingStillPending() {
        pending.addHeld(b("a"), -5);
        pending.addForwarded(b("b"));
        assertThat(pending.expireAll(request -> b("gone " + text(request.line()) + "\n"))).isEqualTo(2);
        assertThat(texts(pending.takeDeliverable())).containsExactly("gone a\n", "gone b\n");
    }

    @Test
    void itCountsTheAnswersStillToComeAndTheLineBytesItKeepsUntilDelivery() {
        pending.addForwarded(b("abc"));
        pending.addHeld(b("de"), 0);
        pending.addAnswered(b("malformed\n"));
        pending.addForwarded(b("f"));
        assertThat(pending.unansweredCount()).isEqualTo(3);
        assertThat(pending.lineBytes()).isEqualTo(6);

        pending.answer(1, b("A\n"));
        pending.answer(1, b("again\n")); // a duplicate changes nothing
        assertThat(pending.unansweredCount()).isEqualTo(2);
        assertThat(pending.lineBytes()).isEqualTo(6); // answered, not yet delivered: still kept
        pending.takeDeliverable();
        assertThat(pending.lineBytes()).isEqualTo(3);

        pending.expire(100, 10, request -> b("unavailable\n"));
        assertThat(pending.unansweredCount()).isEqualTo(1);
        pending.expireAll(request -> b("gone\n"));
        assertThat(pending.unansweredCount()).isZero();
        pending.takeDeliverable();
        assertThat(pending.lineBytes()).isZero();
    }
}
