package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class PendingRequestsTest {

    private final PendingRequests pending = new PendingRequests();

    @Test
    void answersAreDeliveredInSeqOrderWhateverOrderTheyArriveIn() {
        pending.addForwarded("a");
        pending.addForwarded("b");
        pending.addForwarded("c");

        assertThat(pending.answer(3, "C\n")).isTrue();
        assertThat(pending.takeDeliverable()).isEmpty(); // SPEC §2: answers in request order
        assertThat(pending.answer(1, "A\n")).isTrue();
        assertThat(pending.takeDeliverable()).containsExactly("A\n");
        assertThat(pending.floor()).isEqualTo(1);
        assertThat(pending.answer(2, "B\n")).isTrue();
        assertThat(pending.takeDeliverable()).containsExactly("B\n", "C\n");
        assertThat(pending.floor()).isEqualTo(3);
        assertThat(pending.isEmpty()).isTrue();
    }

    @Test
    void aSecondAnswerForTheSameSeqIsDropped() {
        pending.addForwarded("a");
        pending.addForwarded("b");
        assertThat(pending.answer(2, "first\n")).isTrue();
        // a resent request answered again by the new primary
        assertThat(pending.answer(2, "second\n")).isFalse();
        assertThat(pending.answer(1, "A\n")).isTrue();
        assertThat(pending.takeDeliverable()).containsExactly("A\n", "first\n");
        assertThat(pending.answer(1, "late\n")).isFalse(); // already delivered
        assertThat(pending.answer(99, "never asked\n")).isFalse();
    }

    @Test
    void unansweredListsWhatANewPrimaryMustGetAgainInOrder() {
        pending.addForwarded("a");
        pending.addForwarded("b");
        pending.addForwarded("c");
        pending.answer(2, "B\n");
        assertThat(pending.unanswered()).extracting(PendingRequests.Pending::seq).containsExactly(1L, 3L);
        assertThat(pending.unanswered()).extracting(PendingRequests.Pending::line).containsExactly("a", "c");
    }

    @Test
    void onlyRequestsHeldWithoutAPrimaryExpireCountedFromWhenTheyWereHeld() {
        pending.addHeld("a", 10);
        pending.addHeld("b", 20);
        pending.addHeld("c", 30);
        pending.answer(2, "B\n");

        assertThat(pending.expire(20, 10, request -> "unavailable " + request.line() + "\n")).isEqualTo(1);
        assertThat(pending.takeDeliverable()).containsExactly("unavailable a\n", "B\n");
        assertThat(pending.nextDeadline(10)).hasValue(40);
        // the primary's answer after the proxy answered for it is dropped
        assertThat(pending.answer(1, "A\n")).isFalse();
        assertThat(pending.expire(39, 10, request -> "x\n")).isZero();
        assertThat(pending.expire(40, 10, request -> "unavailable " + request.line() + "\n")).isEqualTo(1);
        assertThat(pending.takeDeliverable()).containsExactly("unavailable c\n");
        assertThat(pending.nextDeadline(10)).isEmpty();
    }

    @Test
    void aRequestInTheHandsOfARegisteredPrimaryNeverExpires() {
        pending.addHeld("a", 0);
        pending.forwarded(pending.unanswered().get(0));
        pending.addForwarded("b");
        assertThat(pending.nextDeadline(10)).isEmpty();
        assertThat(pending.expire(Long.MAX_VALUE / 2, 10, request -> "unavailable\n")).isZero();
        assertThat(pending.answer(1, "A\n")).isTrue();
    }

    @Test
    void losingThePrimaryStartsTheTimerOfTheRequestsItHadAndTellsThemApart() {
        pending.addHeld("never sent", 100);
        pending.addForwarded("sent");
        pending.addHeld("arrived after the loss", 150);
        pending.holdAll(200); // the primary is lost at 200; "never sent" keeps its earlier start
        assertThat(pending.nextDeadline(1000)).hasValue(1100);
        assertThat(pending.expire(1100, 1000, request -> request.line() + " " + request.forwarded() + "\n"))
                .isEqualTo(1);
        assertThat(pending.expire(1199, 1000, request -> "x\n")).isEqualTo(1); // held since 150
        assertThat(pending.expire(1200, 1000, request -> request.line() + " " + request.forwarded() + "\n"))
                .isEqualTo(1);
        assertThat(pending.takeDeliverable()).containsExactly("never sent false\n", "sent true\n", "x\n");
    }

    @Test
    void aProxyAnsweredRequestWaitsForTheOnesBeforeIt() {
        pending.addForwarded("a");
        pending.addAnswered("malformed\n");
        assertThat(pending.takeDeliverable()).isEmpty();
        pending.answer(1, "A\n");
        assertThat(pending.takeDeliverable()).containsExactly("A\n", "malformed\n");
    }

    @Test
    void expireAllAnswersEverythingStillPending() {
        pending.addHeld("a", -5);
        pending.addForwarded("b");
        assertThat(pending.expireAll(line -> "gone " + line + "\n")).isEqualTo(2);
        assertThat(pending.takeDeliverable()).containsExactly("gone a\n", "gone b\n");
    }

    @Test
    void itCountsTheAnswersStillToComeAndTheLineCharactersItKeepsUntilDelivery() {
        pending.addForwarded("abc");
        pending.addHeld("de", 0);
        pending.addAnswered("malformed\n");
        pending.addForwarded("f");
        assertThat(pending.unansweredCount()).isEqualTo(3);
        assertThat(pending.lineChars()).isEqualTo(6);

        pending.answer(1, "A\n");
        pending.answer(1, "again\n"); // a duplicate changes nothing
        assertThat(pending.unansweredCount()).isEqualTo(2);
        assertThat(pending.lineChars()).isEqualTo(6); // answered, not yet delivered: still kept
        pending.takeDeliverable();
        assertThat(pending.lineChars()).isEqualTo(3);

        pending.expire(100, 10, request -> "unavailable\n");
        assertThat(pending.unansweredCount()).isEqualTo(1);
        pending.expireAll(line -> "gone\n");
        assertThat(pending.unansweredCount()).isZero();
        pending.takeDeliverable();
        assertThat(pending.lineChars()).isZero();
    }
}
