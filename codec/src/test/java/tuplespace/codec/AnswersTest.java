package tuplespace.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.pattern.CutOff;
import tuplespace.pattern.MatchBudget;
import tuplespace.space.Command;
import tuplespace.space.Result;
import tuplespace.space.TupleSpace;
import tuplespace.tuple.Pair;

@Timeout(10)
class AnswersTest {

    private static final String TEXT_WHY = ": a key and a value are each one or more fields of letters and digits, joined by commas";
    private static final String JSON_WHY = ": a key and a value are each a list of one or more strings of letters and digits";

    private static ParsedRequest.Valid valid(String line) {
        return (ParsedRequest.Valid) Requests.parse(line);
    }

    private static final Result.Matched TWO_USERS = Result.Matched.of(List.of(
            Pair.of("user,1", "alice"), Pair.of("user,2", "bob,admin")));

    @Test
    void jsonGetAnswerAsInSpec() {
        assertThat(Answers.format(valid("{\"id\":2,\"op\":\"GET\",\"key\":\"user,.*\",\"value\":\".*\"}"), TWO_USERS))
                .isEqualTo("{\"id\":2,\"status\":\"ok\",\"pairs\":[[[\"user\",\"1\"],[\"alice\"]],"
                        + "[[\"user\",\"2\"],[\"bob\",\"admin\"]]]}\n");
    }

    @Test
    void jsonAnswerWithoutIdAndWithWarning() {
        assertThat(Answers.format(valid("{\"op\":\"GET\",\"key\":\"(\",\"value\":\".*\"}"),
                Result.Matched.warning("keyexp is not a valid Python regular expression: x")))
                .isEqualTo("{\"status\":\"ok\",\"pairs\":[],\"warning\":\"keyexp is not a valid Python regular "
                        + "expression: x\"}\n");
    }

    @Test
    void aCutOffSaysWhichBoundInTheJsonAnswerSoAProgramCanTellThemApart() {
        ParsedRequest.Valid get = valid("{\"id\":3,\"op\":\"GET\",\"key\":\"(a+)+b\",\"value\":\".*\"}");
        assertThat(Answers.format(get, Result.Matched.cutOff(CutOff.MATCH_BUDGET, "too slow on one text")))
                .isEqualTo("{\"id\":3,\"status\":\"ok\",\"pairs\":[],\"warning\":\"too slow on one text\","
                        + "\"cutoff\":\"match_budget\"}\n");
        assertThat(Answers.format(get, Result.Matched.cutOff(CutOff.REQUEST_CPU_LIMIT, "too many pairs")))
                .endsWith("\"warning\":\"too many pairs\",\"cutoff\":\"request_cpu_limit\"}\n");
        assertThat(Answers.format(get, Result.Matched.warning("keyexp is not valid"))).doesNotContain("cutoff");
        for (CutOff cutOff : List.of(CutOff.MATCH_BUDGET, CutOff.REQUEST_CPU_LIMIT)) {
            assertThat(CutOffs.parse(CutOffs.wire(cutOff))).hasValue(cutOff);
        }
    }

    @Test
    void aNoteOnValidPatternsIsItsOwnJsonFieldAndNeverAWarning() {
        Result.Matched noted = Result.Matched.of(List.of(Pair.of("a", "x")),
                java.util.Optional.of("keyexp: Possible nested set at position 1"));
        assertThat(Answers.format(valid("{\"id\":3,\"op\":\"GET\",\"key\":\"[[a]\",\"value\":\".*\"}"), noted))
                .isEqualTo("{\"id\":3,\"status\":\"ok\",\"pairs\":[[[\"a\"],[\"x\"]]],"
                        + "\"note\":\"keyexp: Possible nested set at position 1\"}\n");
    }

    @Test
    void aCutOffAnswerWithANoteCarriesBothWarningFirst() {
        Result.Matched both = new Result.Matched(List.of(), java.util.Optional.of("cut off"),
                java.util.Optional.of("keyexp: Possible nested set at position 1"), CutOff.MATCH_BUDGET);
        assertThat(Answers.format(valid("{\"op\":\"GET\",\"key\":\"[[a]\",\"value\":\".*\"}"), both))
                .isEqualTo("{\"status\":\"ok\",\"pairs\":[],\"warning\":\"cut off\",\"cutoff\":\"match_budget\","
                        + "\"note\":\"keyexp: Possible nested set at position 1\"}\n");
        assertThat(Answers.format(valid("GET [[a] .*"), both))
                .isEqualTo("ok 0 pairs\nwarning: cut off\nnote: keyexp: Possible nested set at position 1\nend\n");
    }

    @Test
    void idsAreEchoedUnchanged() {
        Result.Matched none = Result.Matched.of(List.of());
        assertThat(Answers.format(valid("{\"id\":\"r-1\",\"op\":\"GET\",\"key\":\"a\",\"value\":\"b\"}"), none))
                .startsWith("{\"id\":\"r-1\",");
        assertThat(Answers.format(valid("{\"id\":null,\"op\":\"GET\",\"key\":\"a\",\"value\":\"b\"}"), none))
                .startsWith("{\"id\":null,");
        assertThat(Answers.format(valid("{\"id\":1.50,\"op\":\"GET\",\"key\":\"a\",\"value\":\"b\"}"), none))
                .startsWith("{\"id\":1.50,");
    }

    /** Numbers Jackson would write back otherwise ({@code 1E+5}, {@code 0}) come back as the request wrote them. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"1e5", "1.0E2", "-0", "1e400", "-0.0", "2E-3", "7"})
    void numberIdsAreEchoedAsWritten(String id) {
        Result.Matched none = Result.Matched.of(List.of());
        assertThat(Answers.format(valid("{\"id\":" + id + ",\"op\":\"GET\",\"key\":\"a\",\"value\":\"b\"}"), none))
                .startsWith("{\"id\":" + id + ",\"status\":\"ok\"");
        assertThat(Answers.error((ParsedRequest.Invalid) Requests.parse("{\"id\":" + id + ",\"op\":\"TAKE\"}")))
                .startsWith("{\"id\":" + id + ",\"status\":\"not_implemented\"");
        assertThat(Answers.error("{\"id\":" + id + ",\"op\":\"GET\",\"key\":\"aaaa", Status.MALFORMED, "too long"))
                .startsWith("{\"id\":" + id + ",\"status\":\"malformed\"");
    }

    /** What Jackson's generator writes for an ok answer with these pairs: the oracle for the hand-written answers. */
    private static String generated(String id, List<Pair> pairs) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode answer = Json.MAPPER.createObjectNode();
        if (id != null) {
            answer.set("id", Json.MAPPER.readTree(id));
        }
        answer.put("status", "ok");
        com.fasterxml.jackson.databind.node.ArrayNode list = answer.putArray("pairs");
        for (Pair pair : pairs) {
            com.fasterxml.jackson.databind.node.ArrayNode element = list.addArray();
            pair.key().fields().forEach(element.addArray()::add);
            pair.value().fields().forEach(element.addArray()::add);
        }
        return Json.MAPPER.writeValueAsString(answer) + "\n";
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"", "\"id\":0,", "\"id\":-17,",
        "\"id\":123456789012345678901234567890,", "\"id\":\"x\\\"y\",", "\"id\":1.50,", "\"id\":true,"})
    void handWrittenAnswersAreWhatTheGeneratorWrites(String idField) throws Exception {
        String id = idField.isEmpty() ? null : idField.substring(5, idField.length() - 1);
        List<Pair> pairs = List.of(Pair.of("user,1", "alice"), Pair.of("\u00e9t\u00e9,\uD835\uDC00,9", "a,b,c,d"),
                Pair.of("k", "v"));
        assertThat(Answers.format(valid("{" + idField + "\"op\":\"GET\",\"key\":\".*\",\"value\":\".*\"}"),
                Result.Matched.of(pairs))).isEqualTo(generated(id, pairs));
        assertThat(Answers.format(valid("{" + idField + "\"op\":\"DELETE\",\"key\":\"k\",\"value\":\"v\"}"),
                Result.Matched.of(List.of()))).isEqualTo(generated(id, List.of()));
        assertThat(Answers.format(valid("{" + idField + "\"op\":\"PUT\",\"pairs\":[[[\"k\"],[\"v\"]]]}"),
                new Result.NotUsed(List.of()))).isEqualTo(generated(id, List.of()));
    }

    @Test
    void jsonPutEchoesTheUnusedElementsAsGiven() {
        ParsedRequest.Valid put = valid("{\"id\":1,\"op\":\"PUT\",\"pairs\":[[[\"user\",\"1\"],[\"alice\"]],"
                + "[\"user,2\", {\"x\" : 1}],[[\"user\",\"3\"],[\"c\"]]]}");
        assertThat(Answers.format(put, new Result.NotUsed(List.of(1, 2))))
                .isEqualTo("{\"id\":1,\"status\":\"ok\",\"pairs\":[[\"user,2\",{\"x\":1}],[[\"user\",\"3\"],[\"c\"]]],"
                        + "\"note\":\"pairs[1] is not a well-formed pair" + JSON_WHY + "\"}\n");
    }

    @Test
    void aNoteSaysWhichUnusedElementsAreNotWellFormedPairsAndOnlyThen() {
        ParsedRequest.Valid put = valid("PUT user,1 alice user;2 bob user,3 c,,d");
        assertThat(Answers.format(put, new Result.NotUsed(List.of(0, 1, 2))))
                .isEqualTo("ok 3 pairs not added\n  user,1 alice\n  user;2 bob\n  user,3 c,,d\n"
                        + "note: pair 2 and pair 3 are not well-formed pairs" + TEXT_WHY + "\nend\n");
        assertThat(Answers.format(put, new Result.NotUsed(List.of(0))))
                .as("a well-formed pair not added (its key is present) needs no note")
                .isEqualTo("ok 1 pair not added\n  user,1 alice\nend\n");
        ParsedRequest.Valid post = valid("{\"op\":\"POST\",\"pairs\":[[[\"a\"],[\"b c\"]],[[\"x\"],[\"y\"]]]}");
        assertThat(Answers.format(post, new Result.NotUsed(List.of(0, 1))))
                .isEqualTo("{\"status\":\"ok\",\"pairs\":[[[\"a\"],[\"b c\"]],[[\"x\"],[\"y\"]]],"
                        + "\"note\":\"pairs[0] is not a well-formed pair" + JSON_WHY + "\"}\n");
        ParsedRequest.Valid many = valid("PUT " + "a;b c ".repeat(12));
        assertThat(Answers.format(many, new Result.NotUsed(java.util.stream.IntStream.range(0, 12).boxed().toList())))
                .contains("note: pair 1, pair 2, pair 3, pair 4, pair 5, pair 6, pair 7, pair 8, pair 9, pair 10 and 2 more are"
                        + " not well-formed pairs" + TEXT_WHY + "\nend\n");
        ParsedRequest.Valid ten = valid("PUT " + "a;b c ".repeat(10));
        assertThat(Answers.format(ten, new Result.NotUsed(java.util.stream.IntStream.range(0, 10).boxed().toList())))
                .contains("pair 9 and pair 10 are not well-formed pairs");
    }

    /** A text-mode PUT or POST with no pairs is answered as an empty list, with a note on how to give pairs. */
    @Test
    void aTextPutOrPostOfNoPairsIsAnsweredWithANoteOnHowToGiveThem() {
        assertThat(Answers.format(valid("PUT"), new Result.NotUsed(List.of())))
                .isEqualTo("ok 0 pairs not added\nnote: no pairs given: PUT takes a key and a value for each pair, as"
                        + " alternating tokens (PUT user,1 alice user,2 bob,admin)\nend\n");
        assertThat(Answers.format(valid("post "), new Result.NotUsed(List.of())))
                .contains("note: no pairs given: POST");
        assertThat(Answers.format(valid("{\"op\":\"PUT\",\"pairs\":[]}"), new Result.NotUsed(List.of())))
                .as("JSON's empty list is said in so many words").isEqualTo("{\"status\":\"ok\",\"pairs\":[]}\n");
    }

    @Test
    void textGetAndDeleteAnswers() {
        assertThat(Answers.format(valid("GET user,.* .*"), TWO_USERS))
                .isEqualTo("ok 2 pairs\n  user,1 alice\n  user,2 bob,admin\nend\n");
        assertThat(Answers.format(valid("DELETE user,1 .*"), Result.Matched.of(List.of(Pair.of("user,1", "alice")))))
                .isEqualTo("ok 1 pair removed\n  user,1 alice\nend\n");
        assertThat(Answers.format(valid("get ( .*"), Result.Matched.warning("keyexp is bad:\nmissing )")))
                .isEqualTo("ok 0 pairs\nwarning: keyexp is bad: missing )\nend\n");
    }

    @Test
    void textAnswersPutANoteOnItsOwnLineBeforeEnd() {
        Result.Matched noted = Result.Matched.of(List.of(Pair.of("user,1", "alice")),
                java.util.Optional.of("valexp: Possible set union at position 2;\nmore"));
        assertThat(Answers.format(valid("DELETE user,1 [a||b]"), noted))
                .isEqualTo("ok 1 pair removed\n  user,1 alice\n"
                        + "note: valexp: Possible set union at position 2; more\nend\n");
    }

    @Test
    void textPutAndPostEchoTheGivenTokensQuotedWhenNeeded() {
        ParsedRequest.Valid put = valid("PUT user,1 alice \"a b\" x user,,2 \"say \\\"hi\\\"\" k \"\"");
        assertThat(Answers.format(put, new Result.NotUsed(List.of(1, 2, 3))))
                .isEqualTo("ok 3 pairs not added\n  \"a b\" x\n  user,,2 \"say \\\"hi\\\"\"\n  k \"\"\n"
                        + "note: pair 2, pair 3 and pair 4 are not well-formed pairs" + TEXT_WHY + "\nend\n");
        assertThat(Answers.format(valid("POST user,9 z"), new Result.NotUsed(List.of(0))))
                .isEqualTo("ok 1 pair not updated\n  user,9 z\nend\n");
        assertThat(Answers.format(valid("POST user,9 z"), new Result.NotUsed(List.of())))
                .isEqualTo("ok 0 pairs not updated\nend\n");
    }

    @Test
    void quotedEchoReadsBackAsTheSameTokens() {
        ParsedRequest.Valid put = valid("PUT \"a\\\\b \\\"c\" \"\\d\\\\\"");
        String answer = Answers.format(put, new Result.NotUsed(List.of(0)));
        String pairLine = answer.split("\n")[1].substring(2);
        assertThat(((ParsedRequest.Valid) Requests.parse("PUT " + pairLine)).given()).isEqualTo(put.given());
    }

    @Test
    void controlCharactersOfAnEchoedTokenAreSpelledOut() {
        ParsedRequest.Valid put = valid("PUT \"a\u0000\u001b[2Jb\" \"\t\"");
        String answer = Answers.format(put, new Result.NotUsed(List.of(0)));
        assertThat(answer.split("\n")[1]).isEqualTo("  \"a\\x00\\x1b[2Jb\" \"\t\"");
        assertThat(answer.chars().filter(c -> Character.isISOControl(c) && c != '\n' && c != '\t')).isEmpty();
    }

    @Test
    void aResultOfTheWrongKindIsABug() {
        assertThatThrownBy(() -> Answers.format(valid("GET a b"), new Result.NotUsed(List.of())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void errorsInTheRequestsMode() {
        assertThat(Answers.error((ParsedRequest.Invalid) Requests.parse("{\"id\":8,\"op\":\"TAKE\"}")))
                .isEqualTo("{\"id\":8,\"status\":\"not_implemented\",\"error\":\"operator 'TAKE' is not implemented "
                        + "(expected GET, PUT, POST or DELETE)\"}\n");
        assertThat(Answers.error((ParsedRequest.Invalid) Requests.parse("GET a")))
                .isEqualTo("malformed: expected GET keyexp valexp (two patterns), found 1 argument: a\nend\n");
        assertThat(Answers.error((ParsedRequest.Invalid) Requests.parse("{\"op\":\"PUT\",\"pairs\":\"x\"}")))
                .isEqualTo("{\"status\":\"malformed\",\"error\":\"expected \\\"pairs\\\" to be a list of [key, value] "
                        + "pairs, found a string\"}\n");
    }

    @Test
    void errorForARawLineRecoversTheIdWhenItCan() {
        assertThat(Answers.error("{\"id\":5,\"op\":\"GET\",\"key\":\"aaaa", Status.MALFORMED, "line too long"))
                .isEqualTo("{\"id\":5,\"status\":\"malformed\",\"error\":\"line too long\"}\n");
        assertThat(Answers.error("{\"op\":\"GET\"", Status.UNAVAILABLE, "no primary"))
                .isEqualTo("{\"status\":\"unavailable\",\"error\":\"no primary\"}\n");
        assertThat(Answers.error("{\"id\":[1],\"op\":\"GET\"}", Status.UNAVAILABLE, "no primary"))
                .isEqualTo("{\"status\":\"unavailable\",\"error\":\"no primary\"}\n");
        assertThat(Answers.error("GET a b", Status.UNAVAILABLE, "no primary answered within 5s"))
                .isEqualTo("unavailable: no primary answered within 5s\nend\n");
    }

    @Test
    void refusedIsOneJsonLine() {
        assertThat(Answers.refused("service refused: this proxy already serves 64 clients"))
                .isEqualTo("{\"status\":\"refused\",\"error\":\"service refused: this proxy already serves 64 clients\"}\n");
    }

    @Test
    void nonAsciiTextIsWrittenAsIs() {
        Result.Matched astral = Result.Matched.of(List.of(Pair.of("é,\uD835\uDC00", "٣")));
        assertThat(Answers.format(valid("{\"op\":\"GET\",\"key\":\".*\",\"value\":\".*\"}"), astral))
                .isEqualTo("{\"status\":\"ok\",\"pairs\":[[[\"é\",\"\uD835\uDC00\"],[\"٣\"]]]}\n");
    }

    /**
     * A GET's answer written from the space's stored UTF-8 (no {@code String} of a text form on the way), after what
     * a buffer holds already, into a pooled direct buffer as the primary's: byte for byte the generator's answer, and
     * the text-mode answer as {@link Answers#format} gives it.
     */
    @Test
    void answersWrittenFromTheStoredBytesAreTheGeneratorsAfterWhatTheBufferHeld() throws Exception {
        List<Pair> pairs = List.of(Pair.of("k,1", "v"), Pair.of("\u00e9t\u00e9,\uD835\uDC00,9", "a,b,c,d"),
                Pair.of("\u4e2d", "\u0663"));
        TupleSpace space = new TupleSpace();
        MatchBudget budget = MatchBudget.of(Duration.ofSeconds(1), Duration.ofSeconds(10), System::nanoTime);
        space.apply(new Command.Put(pairs.stream().map(Optional::of).toList()), budget);
        List<Pair> inKeyOrder = pairs.stream().sorted(Comparator.comparing(Pair::key)).toList();
        ParsedRequest.Valid json = valid("{\"id\":9,\"op\":\"GET\",\"key\":\".*\",\"value\":\".*\"}");
        ParsedRequest.Valid text = valid("GET .* .*");
        ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer(4);
        try {
            out.writeByte('x');
            Answers.write(json, space.apply(json.command(), budget).result(), out);
            int jsonEnd = out.writerIndex();
            Answers.write(text, space.apply(text.command(), budget).result(), out);
            assertThat(out.toString(0, 1, StandardCharsets.UTF_8)).isEqualTo("x");
            assertThat(out.toString(1, jsonEnd - 1, StandardCharsets.UTF_8)).isEqualTo(generated("9", inKeyOrder));
            assertThat(out.toString(jsonEnd, out.writerIndex() - jsonEnd, StandardCharsets.UTF_8))
                    .isEqualTo(Answers.format(text, Result.Matched.of(inKeyOrder)))
                    .startsWith("ok 3 pairs\n  k,1 v\n");
        } finally {
            out.release();
        }
    }
}
