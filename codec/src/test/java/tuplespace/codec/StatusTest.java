package tuplespace.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A text answer's status is the first word of its first line, a whole wire word and nothing longer. */
class StatusTest {

    @Test
    void theFirstWordOfATextAnswerIsItsStatus() {
        assertThat(Status.ofTextAnswer("ok 2 pairs\n  a  b\nend\n")).contains(Status.OK);
        assertThat(Status.ofTextAnswer("malformed: expected a pattern")).contains(Status.MALFORMED);
        assertThat(Status.ofTextAnswer("not_implemented: TAKE")).contains(Status.NOT_IMPLEMENTED);
        assertThat(Status.ofTextAnswer("unavailable")).contains(Status.UNAVAILABLE);
    }

    @Test
    void aLongerWordOrNoWordIsNoStatus() {
        assertThat(Status.ofTextAnswer("okay 2 pairs")).isEmpty();
        assertThat(Status.ofTextAnswer("not_implementedx: TAKE")).isEmpty();
        assertThat(Status.ofTextAnswer("error: unknown command")).isEmpty();
        assertThat(Status.ofTextAnswer(" ok")).isEmpty();
        assertThat(Status.ofTextAnswer("")).isEmpty();
    }

    @Test
    void thePrefixReadIsTheLongestWireWordAndOneMore() {
        assertThat(Status.TEXT_ANSWER_PREFIX).isEqualTo("not_implemented".length() + 1);
    }
}
