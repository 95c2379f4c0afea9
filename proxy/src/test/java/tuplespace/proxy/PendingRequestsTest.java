package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class PendingRequestsTest {

    private final PendingRequests pending = new PendingRequests();

    @Test
    void answersAreDeliveredInSeqOrderWhateverOrderTheyArriveIn() {
        pending.add("a", 100);
        pending.add("b", 100);
        pending.add("c", 100);

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
        pending.add("a", 100);
        pending.add("b", 100);
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
        pending.add("a", 100);
        pending.add("b", 100);
        pending.add("c", 100);
        pending.answer(2, "B\n");
        assertThat(pending.unanswered()).extracting(PendingRequests.Pending::seq).containsExactly(1L, 3L);
        assertThat(pending.unanswered()).extracting(PendingRequests.Pending::line).containsExactly("a", "c");
    }

    @Test
    void expiryAnswersOverdueRequestsOnlyAndKeepsTheirOrder() {
        pending.add("a", 10);
        pending.add("b", 20);
        pending.add("c", 30);
        pending.answer(2, "B\n");

        assertThat(pending.expire(20, line -> "unavailable " + line + "\n")).isEqualTo(1);
        assertThat(pending.takeDeliverable()).containsExactly("unavailable a\n", "B\n");
        assertThat(pending.nextDeadline()).hasValue(30);
        // the primary's answer after the proxy answered for it is dropped
        assertThat(pending.answer(1, "A\n")).isFalse();
        assertThat(pending.expire(29, line -> "x\n")).isZero();
        assertThat(pending.expire(30, line -> "unavailable " + line + "\n")).isEqualTo(1);
        assertThat(pending.takeDeliverable()).containsExactly("unavailable c\n");
        assertThat(pending.nextDeadline()).isEmpty();
    }

    @Test
    void aProxyAnsweredRequestWaitsForTheOnesBeforeIt() {
        pending.add("a", 10);
        pending.addAnswered("malformed\n", 10);
        assertThat(pending.takeDeliverable()).isEmpty();
        pending.answer(1, "A\n");
        assertThat(pending.takeDeliverable()).containsExactly("A\n", "malformed\n");
    }

    @Test
    void expireAllAnswersEverythingStillPending() {
        pending.add("a", -5);
        pending.add("b", Long.MAX_VALUE);
        assertThat(pending.expireAll(line -> "gone " + line + "\n")).isEqualTo(2);
        assertThat(pending.takeDeliverable()).containsExactly("gone a\n", "gone b\n");
    }
}
