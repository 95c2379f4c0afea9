package tuplespace.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tuplespace.codec.Status;

class ReceivedAnswerTest {

    @Test
    void aTextAnswerIsReadByItsStatusWord() {
        ReceivedAnswer answer = ReceivedAnswer.read("ok 0 pairs found\nend\n", false);

        assertThat(answer).isInstanceOf(ReceivedAnswer.Text.class);
        assertThat(((ReceivedAnswer.Text) answer).status()).isEqualTo(Status.OK);
    }

    /**
     * What is no answer (a binary port's bytes, reached by mistake) is quoted in the problem a program or a terminal
     * shows: its control characters spelled out, never sent to the terminal as they came.
     */
    @Test
    void whatIsNoAnswerIsQuotedWithItsControlCharactersSpelledOut() {
        ReceivedAnswer answer = ReceivedAnswer.read("\u0000\u0000\u0000\t\u0007\u001b[31m\nmore\n", false);

        assertThat(answer).isInstanceOf(ReceivedAnswer.NotAnAnswer.class);
        assertThat(((ReceivedAnswer.NotAnAnswer) answer).problem()).endsWith("found '\\x00\\x00\\x00\t\\x07\\x1b[31m'");
    }
}
