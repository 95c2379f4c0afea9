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
        assertThat(((ReceivedAnswer.NotAnAnswer) answer).problem()).endsWith("found '\\x00\\x00\\x00\t\\x07\\x1b[31m'"
                + " (binary bytes: this port is not where clients connect, the proxy's CLIENT_SAP; it may be another"
                + " port of the service)");
    }

    @Test
    void textThatIsNoAnswerIsQuotedWithoutAHintAboutThePort() {
        ReceivedAnswer answer = ReceivedAnswer.read("HTTP/1.1 400 Bad Request\r\n\r\n", false);

        assertThat(((ReceivedAnswer.NotAnAnswer) answer).problem()).endsWith("found 'HTTP/1.1 400 Bad Request '");
    }
}
