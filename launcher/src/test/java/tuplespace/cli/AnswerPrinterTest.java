package tuplespace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tuplespace.codec.Operator;
import tuplespace.codec.Status;

class AnswerPrinterTest {

    @Test
    void pairsAreAnAlignedTableUnderASummary() {
        String answer = "{\"id\":1,\"status\":\"ok\",\"pairs\":[[[\"user\",\"1\"],[\"alice\"]],[[\"u\",\"22\"],[\"bob\",\"admin\"]]]}";
        assertThat(AnswerPrinter.readable(answer, Operator.GET, 0)).isEqualTo(
                "ok: 2 pairs found\n"
                        + "  KEY      VALUE\n"
                        + "  user,1   alice\n"
                        + "  u,22     bob,admin\n");
    }

    @Test
    void wideCharactersTakeTwoColumnsSoTheValuesStillLineUp() {
        String answer = "{\"id\":1,\"status\":\"ok\",\"pairs\":[[[\"\u65e5\u672c\"],[\"a\"]],[[\"abcd\"],[\"b\"]],"
                + "[[\"\u00e9t\u00e9\"],[\"c\"]]]}";
        assertThat(AnswerPrinter.readable(answer, Operator.GET, 0)).isEqualTo(
                "ok: 3 pairs found\n"
                        + "  KEY    VALUE\n"
                        + "  \u65e5\u672c   a\n" // 4 columns, as abcd
                        + "  abcd   b\n"
                        + "  \u00e9t\u00e9    c\n");
    }

    @Test
    void putSaysHowManyOfTheGivenPairsWereNotAddedAndShowsMalformedElementsAsGiven() {
        String answer = "{\"id\":1,\"status\":\"ok\",\"pairs\":[[[\"user\",\"\"],[\"x\"]]]}";
        assertThat(AnswerPrinter.readable(answer, Operator.PUT, 3)).isEqualTo(
                "ok: 1 of 3 pairs not added (key already present, or not a well-formed pair):\n"
                        + "  KEY                   VALUE\n"
                        + "  [[\"user\",\"\"],[\"x\"]]   (not a well-formed pair)\n");
    }

    @Test
    void allPairsUsedIsOneLine() {
        String answer = "{\"id\":1,\"status\":\"ok\",\"pairs\":[]}";
        assertThat(AnswerPrinter.readable(answer, Operator.POST, 2))
                .isEqualTo("ok: all 2 pairs were updated\n");
        assertThat(AnswerPrinter.readable(answer, Operator.PUT, 1))
                .isEqualTo("ok: the pair was added\n");
    }

    @Test
    void aWarningFollowsTheSummary() {
        String answer = "{\"id\":1,\"status\":\"ok\",\"pairs\":[],\"warning\":\"keyexp is not a valid Python regular expression\"}";
        assertThat(AnswerPrinter.readable(answer, Operator.DELETE, 0))
                .isEqualTo("ok: 0 pairs deleted\nwarning: keyexp is not a valid Python regular expression\n");
    }

    @Test
    void aNoteIsPrintedAsANoteAfterThePairs() {
        String answer = "{\"id\":1,\"status\":\"ok\",\"pairs\":[[[\"a\"],[\"x\"]]],"
                + "\"note\":\"keyexp: Possible nested set at position 1\"}";
        assertThat(AnswerPrinter.readable(answer, Operator.GET, 0)).isEqualTo(
                "ok: 1 pair found\n"
                        + "  KEY   VALUE\n"
                        + "  a     x\n"
                        + "note: keyexp: Possible nested set at position 1\n");
    }

    @Test
    void aBigTableIsWrittenAsItIsReadItsKeyColumnSizedByTheFirstRows() {
        StringBuilder answer = new StringBuilder("{\"status\":\"ok\",\"pairs\":[");
        int rows = AnswerPrinter.WIDTH_SAMPLE + 503;
        for (int i = 0; i < rows; i++) {
            String key = i == rows - 1 ? "a,very,long,key,at,the,end" : "k," + i;
            answer.append(i == 0 ? "" : ",").append("[[\"").append(key.replace(",", "\",\"")).append("\"],[\"v\"]]");
        }
        String printed = AnswerPrinter.readable(answer.append("]}").toString(), Operator.GET, 0);
        String[] lines = printed.split("\n");
        assertThat(lines).hasSize(rows + 2);
        assertThat(lines[0]).isEqualTo("ok: " + rows + " pairs found");
        assertThat(lines[1]).isEqualTo("  KEY     VALUE"); // "k,999" is the widest key of the first rows
        assertThat(lines[2]).isEqualTo("  k,0     v");
        assertThat(lines[1502]).isEqualTo("  k,1500   v"); // wider than the column: pushed
        assertThat(lines[rows + 1]).isEqualTo("  a,very,long,key,at,the,end   v"); // wider than the column: pushed
    }

    @Test
    void aTextAnswersNoteLineIsShownAsItCame() {
        String note = "note: keyexp: Possible nested set at position 1\n";
        assertThat(AnswerPrinter.readableText("ok 1 pair\n  a x\n" + note + "end\n")).isEqualTo("ok 1 pair\n  a x\n" + note);
    }

    @Test
    void errorsAreTheirStatusInWordsAndTheMessage() {
        String answer = "{\"id\":8,\"status\":\"not_implemented\",\"error\":\"operator 'TAKE' is not implemented\"}";
        assertThat(AnswerPrinter.readable(answer, null, 0))
                .isEqualTo("not implemented: operator 'TAKE' is not implemented\n");
        assertThat(AnswerPrinter.error(Status.UNAVAILABLE, "no primary")).isEqualTo("unavailable: no primary\n");
    }

    @Test
    void aTextAnswerLosesOnlyItsEndLine() {
        assertThat(AnswerPrinter.readableText("malformed: expected two patterns, found 1 argument\nend\n"))
                .isEqualTo("malformed: expected two patterns, found 1 argument\n");
    }
}
