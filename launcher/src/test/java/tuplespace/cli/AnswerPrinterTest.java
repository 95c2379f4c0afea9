package tuplespace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tuplespace.codec.AnswerDecoder;
import tuplespace.codec.Operator;
import tuplespace.codec.Status;

class AnswerPrinterTest {

    @Test
    void pairsAreAnAlignedTableUnderASummary() {
        String answer = "{\"id\":1,\"status\":\"ok\",\"pairs\":[[[\"user\",\"1\"],[\"alice\"]],[[\"u\",\"22\"],[\"bob\",\"admin\"]]]}";
        assertThat(AnswerPrinter.readable(AnswerDecoder.decode(answer), Operator.GET, 0)).isEqualTo(
                "ok: 2 pairs found\n"
                        + "  KEY      VALUE\n"
                        + "  user,1   alice\n"
                        + "  u,22     bob,admin\n");
    }

    @Test
    void putSaysHowManyOfTheGivenPairsWereNotAddedAndShowsMalformedElementsAsGiven() {
        String answer = "{\"id\":1,\"status\":\"ok\",\"pairs\":[[[\"user\",\"\"],[\"x\"]]]}";
        assertThat(AnswerPrinter.readable(AnswerDecoder.decode(answer), Operator.PUT, 3)).isEqualTo(
                "ok: 1 of 3 pairs not added (key already present, or not a well-formed pair):\n"
                        + "  KEY                   VALUE\n"
                        + "  [[\"user\",\"\"],[\"x\"]]   (not a well-formed pair)\n");
    }

    @Test
    void allPairsUsedIsOneLine() {
        String answer = "{\"id\":1,\"status\":\"ok\",\"pairs\":[]}";
        assertThat(AnswerPrinter.readable(AnswerDecoder.decode(answer), Operator.POST, 2))
                .isEqualTo("ok: all 2 pairs were updated\n");
        assertThat(AnswerPrinter.readable(AnswerDecoder.decode(answer), Operator.PUT, 1))
                .isEqualTo("ok: the pair was added\n");
    }

    @Test
    void aWarningFollowsTheSummary() {
        String answer = "{\"id\":1,\"status\":\"ok\",\"pairs\":[],\"warning\":\"keyexp is not a valid Python regular expression\"}";
        assertThat(AnswerPrinter.readable(AnswerDecoder.decode(answer), Operator.DELETE, 0))
                .isEqualTo("ok: 0 pairs deleted\nwarning: keyexp is not a valid Python regular expression\n");
    }

    @Test
    void aNoteIsPrintedAsANoteAfterThePairs() {
        String answer = "{\"id\":1,\"status\":\"ok\",\"pairs\":[[[\"a\"],[\"x\"]]],"
                + "\"note\":\"keyexp: Possible nested set at position 1\"}";
        assertThat(AnswerPrinter.readable(AnswerDecoder.decode(answer), Operator.GET, 0)).isEqualTo(
                "ok: 1 pair found\n"
                        + "  KEY   VALUE\n"
                        + "  a     x\n"
                        + "note: keyexp: Possible nested set at position 1\n");
    }

    @Test
    void aTextAnswersNoteLineIsShownAsItCame() {
        String note = "note: keyexp: Possible nested set at position 1\n";
        assertThat(AnswerPrinter.readableText("ok 1 pair\n  a x\n" + note + "end\n")).isEqualTo("ok 1 pair\n  a x\n" + note);
    }

    @Test
    void errorsAreTheirStatusInWordsAndTheMessage() {
        String answer = "{\"id\":8,\"status\":\"not_implemented\",\"error\":\"operator 'TAKE' is not implemented\"}";
        assertThat(AnswerPrinter.readable(AnswerDecoder.decode(answer), null, 0))
                .isEqualTo("not implemented: operator 'TAKE' is not implemented\n");
        assertThat(AnswerPrinter.error(Status.UNAVAILABLE, "no primary")).isEqualTo("unavailable: no primary\n");
    }

    @Test
    void aTextAnswerLosesOnlyItsEndLine() {
        assertThat(AnswerPrinter.readableText("malformed: expected two patterns, found 1 argument\nend\n"))
                .isEqualTo("malformed: expected two patterns, found 1 argument\n");
    }
}
