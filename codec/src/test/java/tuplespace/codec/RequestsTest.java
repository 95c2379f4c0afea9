package tuplespace.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.NullNode;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tuplespace.space.Command;
import tuplespace.tuple.Pair;

@Timeout(10)
class RequestsTest {

    private static ParsedRequest.Valid valid(String line) {
        ParsedRequest parsed = parsedBothWays(line);
        assertThat(parsed).as(line).isInstanceOf(ParsedRequest.Valid.class);
        return (ParsedRequest.Valid) parsed;
    }

    private static ParsedRequest.Invalid invalid(String line) {
        ParsedRequest parsed = parsedBothWays(line);
        assertThat(parsed).as(line).isInstanceOf(ParsedRequest.Invalid.class);
        return (ParsedRequest.Invalid) parsed;
    }

    /** Every case here is parsed from the line's text and from its UTF-8 bytes (the primary's way): the same. */
    private static ParsedRequest parsedBothWays(String line) {
        ParsedRequest parsed = Requests.parse(line);
        assertThat(Requests.parse(Unpooled.copiedBuffer(line, StandardCharsets.UTF_8))).as("from bytes: " + line)
                .isEqualTo(parsed);
        return parsed;
    }

    // --- JSON mode -----------------------------------------------------------------------------------------

    @Test
    void jsonGetWithIdAsInSpec() {
        ParsedRequest.Valid request = valid("{\"id\":2,\"op\":\"GET\",\"key\":\"user,.*\",\"value\":\".*\"}");
        assertThat(request.command()).isEqualTo(new Command.Get("user,.*", ".*"));
        assertThat(request.format()).isEqualTo(Format.JSON);
        assertThat(request.id().asInt()).isEqualTo(2);
        assertThat(request.given()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"get", "Get", "gEt", "GET"})
    void operatorNamesAreCaseInsensitive(String name) {
        assertThat(valid("{\"op\":\"" + name + "\",\"key\":\"a\",\"value\":\"b\"}").command())
                .isEqualTo(new Command.Get("a", "b"));
        assertThat(valid(name + " a b").command()).isEqualTo(new Command.Get("a", "b"));
    }

    @Test
    void jsonDelete() {
        assertThat(valid("{\"id\":4,\"op\":\"DELETE\",\"key\":\"user,1\",\"value\":\".*\"}").command())
                .isEqualTo(new Command.Delete("user,1", ".*"));
    }

    @Test
    void jsonPutKeepsEmptySlotsForElementsThatAreNotPairs() {
        ParsedRequest.Valid request = valid("{\"id\":1,\"op\":\"PUT\",\"pairs\":[[[\"user\",\"1\"],[\"alice\"]],"
                + "[\"user,2\",[\"bob\"]],[[\"user\",\"\"],[\"x\"]],[[\"a b\"],[\"x\"]],[[\"a\"],[1]],[[],[\"x\"]],"
                + "[[\"user\",\"2\"],[\"bob\",\"admin\"]]]}");
        assertThat(request.command()).isEqualTo(new Command.Put(List.of(
                Optional.of(Pair.of("user,1", "alice")), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(Pair.of("user,2", "bob,admin")))));
        assertThat(request.given()).hasSize(7);
        assertThat(((GivenElement.Json) request.given().get(1)).element().toString()).isEqualTo("[\"user,2\",[\"bob\"]]");
    }

    @Test
    void jsonPostAndAnEmptyList() {
        assertThat(valid("{\"op\":\"POST\",\"pairs\":[[[\"user\",\"2\"],[\"bob\"]]]}").command())
                .isEqualTo(new Command.Post(List.of(Optional.of(Pair.of("user,2", "bob")))));
        assertThat(valid("{\"op\":\"PUT\",\"pairs\":[]}").command()).isEqualTo(new Command.Put(List.of()));
    }

    @Test
    void idIsEchoedUnchangedWhateverScalarItIs() {
        assertThat(valid("{\"id\":\"abc\",\"op\":\"GET\",\"key\":\"a\",\"value\":\"b\"}").id().textValue()).isEqualTo("abc");
        assertThat(valid("{\"id\":null,\"op\":\"GET\",\"key\":\"a\",\"value\":\"b\"}").id()).isEqualTo(NullNode.getInstance());
        assertThat(valid("{\"id\":1.50,\"op\":\"GET\",\"key\":\"a\",\"value\":\"b\"}").id().toString()).isEqualTo("1.50");
        assertThat(valid("{\"id\":123456789012345678901234567890,\"op\":\"GET\",\"key\":\"a\",\"value\":\"b\"}").id()
                .toString()).isEqualTo("123456789012345678901234567890");
        assertThat(valid("{\"id\":true,\"op\":\"GET\",\"key\":\"a\",\"value\":\"b\"}").id().booleanValue()).isTrue();
        assertThat(valid("{\"op\":\"GET\",\"key\":\"a\",\"value\":\"b\"}").id()).isNull();
        assertThat(valid("{\"id\":\"\\ud83d\\ude00\",\"op\":\"GET\",\"key\":\"a\",\"value\":\"b\"}").id().textValue())
                .as("a surrogate pair, escaped").isEqualTo("\ud83d\ude00");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "{\"op\":\"GET\",\"key\":\"a\" | invalid JSON at column ",
        "{\"op\":\"GET\",\"key\":\"a\",\"value\":\"b\"} x | invalid JSON at column ",
        "{\"op\":\"GET\",\"key\":\"a\",\"value\":\"b\"} {} | expected the line to end after the JSON object, found more text",
        "{\"op\":\"GET\",\"op\":\"PUT\",\"key\":\"a\",\"value\":\"b\"} | Duplicate field 'op'",
        "{\"key\":\"a\",\"value\":\"b\"} | expected an \"op\" field naming the operator (GET, PUT, POST or DELETE), found none",
        "{\"op\":5} | expected \"op\" to be a string naming the operator (GET, PUT, POST or DELETE), found the number 5",
        "{\"id\":{\"a\":1},\"op\":\"GET\",\"key\":\"a\",\"value\":\"b\"} | expected \"id\" to be a JSON scalar (string, number, boolean or null), found an object",
        "{\"id\":[1],\"op\":\"GET\",\"key\":\"a\",\"value\":\"b\"} | found a list of 1 element",
        "{\"id\":\"a\\ud800\",\"op\":\"GET\",\"key\":\"a\",\"value\":\"b\"} | expected \"id\" to be Unicode text, found an unpaired surrogate \\ud800 at character 2",
        "{\"id\":\"\\udc00\\ud83d\\ude00\",\"op\":\"GET\",\"key\":\"a\",\"value\":\"b\"} | found an unpaired surrogate \\udc00 at character 1",
        "{\"op\":\"GET\",\"value\":\"b\"} | expected a \"key\" field (the key pattern, a string) in a GET request, found none",
        "{\"op\":\"DELETE\",\"key\":\"a\"} | expected a \"value\" field (the value pattern, a string) in a DELETE request, found none",
        "{\"op\":\"GET\",\"key\":[\"a\"],\"value\":\"b\"} | expected \"key\" to be a string (the key pattern), found a list of 1 element",
        "{\"op\":\"GET\",\"key\":\"a\",\"value\":\"b\",\"pairs\":[]} | unexpected field \"pairs\" in a GET request (expected \"id\", \"op\", \"key\" and \"value\")",
        "{\"op\":\"PUT\",\"pairs\":[],\"key\":\"a\"} | unexpected field \"key\" in a PUT request (expected \"id\", \"op\" and \"pairs\")",
        "{\"op\":\"PUT\"} | expected a \"pairs\" field (a list of [key, value] pairs) in a PUT request, found none",
        "{\"op\":\"PUT\",\"pairs\":\"user,1 alice\"} | expected \"pairs\" to be a list of [key, value] pairs, found a string",
        "{\"op\":\"POST\",\"pairs\":{}} | expected \"pairs\" to be a list of [key, value] pairs, found an object",
        "{\"op\":\"PUT\",\"pairs\":[[[\"a\"],[\"b\"]],[[\"a\"]]]} | expected \"pairs\" to be a list of [key, value] pairs, found pairs[1] to be a list of 1 element",
        "{\"op\":\"PUT\",\"pairs\":[[[\"a\"],[\"b\"],[\"c\"]]]} | found pairs[0] to be a list of 3 elements",
        "{\"op\":\"PUT\",\"pairs\":[\"a\"]} | found pairs[0] to be a string",
        "{\"op\":\"PUT\",\"pairs\":[null]} | found pairs[0] to be null",
        "{\"id\":1,\"op\":\"GET\",\"key\":\"a\",\"value\":\".*\",\"z\":1e2147483648} | invalid JSON at column 47: expected a number whose exponent fits in 32 bits, found '1e2147483648'",
        "{\"id\":1e-2147483649,\"op\":\"GET\",\"key\":\"a\",\"value\":\".*\"} | invalid JSON at column 7: expected a number whose exponent fits in 32 bits, found '1e-2147483649'",
    })
    void malformedJsonSaysWhatWasExpectedAndFound(String line, String error) {
        ParsedRequest.Invalid invalid = invalid(line);
        assertThat(invalid.status()).isEqualTo(Status.MALFORMED);
        assertThat(invalid.format()).isEqualTo(Format.JSON);
        assertThat(invalid.error()).contains(error).doesNotContain("\n").doesNotContain("Source");
    }

    /** Jackson's limits (a number's length, the nesting depth) report no location of their own. */
    @Test
    void aLimitOfTheJsonParserNamesTheColumnItStoppedAt() {
        assertThat(invalid("{\"id\":" + "1".repeat(2_000) + ",\"op\":\"GET\"}").error())
                .matches("invalid JSON at column [1-9][0-9]*: .*").contains("Number value length");
        assertThat(invalid("{\"op\":" + "[".repeat(2_000)).error())
                .matches("invalid JSON at column [1-9][0-9]*: .*").contains("nesting depth");
    }

    @Test
    void invalidJsonNamesTheColumn() {
        assertThat(invalid("{\"op\":\"GET\", oops}").error()).startsWith("invalid JSON at column 14: ");
    }

    /** A limit of the parser is named with its figure, not with the parser's API that sets it. */
    @Test
    void tooDeepANestingIsRefusedWithoutNamingTheParsersApi() {
        String deep = "{\"op\":\"GET\",\"key\":" + "[".repeat(1001) + "]".repeat(1001) + "}";

        assertThat(invalid(deep).error()).contains("exceeds the maximum allowed (1000)").doesNotContain("`")
                .doesNotContain("StreamReadConstraints");
    }

    @Test
    void invalidJsonGivesNoAdviceAClientCannotFollow() {
        // Jackson's words end "enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow": a parser setting of ours
        assertThat(invalid("{\"op\":\"GET\",\"key\":\"a\",\"value\":\"b\",\"id\":NaN}").error())
                .endsWith(": Non-standard token 'NaN'");
        assertThat(invalid("{/* a comment */\"op\":\"GET\"}").error())
                .endsWith("maybe a (non-standard) comment?").doesNotContain("ALLOW_COMMENTS");
    }

    @Test
    void unknownOperatorIsNotImplementedInBothModes() {
        ParsedRequest.Invalid json = invalid("{\"id\":8,\"op\":\"TAKE\"}");
        assertThat(json.status()).isEqualTo(Status.NOT_IMPLEMENTED);
        assertThat(json.error()).isEqualTo("operator 'TAKE' is not implemented (expected GET, PUT, POST or DELETE)");
        assertThat(json.id().asInt()).isEqualTo(8);
        ParsedRequest.Invalid text = invalid("TAKE a b");
        assertThat(text.status()).isEqualTo(Status.NOT_IMPLEMENTED);
        assertThat(text.error()).isEqualTo("operator 'TAKE' is not implemented (expected GET, PUT, POST or DELETE)");
        assertThat(text.format()).isEqualTo(Format.TEXT);
        assertThat(invalid("[".repeat(200_000)).error()).as("quoted up to 80 characters")
                .isEqualTo("operator '" + "[".repeat(80)
                        + "...' is not implemented (expected GET, PUT, POST or DELETE)");
    }

    /** AUTH past the first line (a second one, or a proxy without --client-auth-file) says where AUTH is taken. */
    @Test
    void authAfterTheFirstLineSaysWhereAuthIsTaken() {
        for (String line : new String[] {"AUTH some-token", "{\"op\":\"auth\",\"token\":\"some-token\"}"}) {
            ParsedRequest.Invalid auth = invalid(line);
            assertThat(auth.status()).as(line).isEqualTo(Status.NOT_IMPLEMENTED);
            assertThat(auth.error()).as(line).endsWith("is not implemented (expected GET, PUT, POST or DELETE); AUTH is"
                    + " taken only as a connection's first line, by a proxy started with --client-auth-file");
        }
    }

    /** What reaches a terminal through a text-mode answer shows a request's control characters, never acts on them. */
    @Test
    void controlCharactersOfAnUnknownOperatorAreSpelledOutInTheAnswer() {
        ParsedRequest.Invalid text = invalid("\u001b[31mRED\u0000\u0007 x y");
        assertThat(text.error()).startsWith("operator '\\x1b[31mRED\\x00\\x07' is not implemented");
        assertThat(Answers.error(text)).isEqualTo("not_implemented: operator '\\x1b[31mRED\\x00\\x07' is not"
                + " implemented (expected GET, PUT, POST or DELETE)\nend\n");
    }

    @Test
    void turkishDotlessIDoesNotFoldIntoAnOperator() {
        assertThat(invalid("Get\u0131 a b").status()).isEqualTo(Status.NOT_IMPLEMENTED);
    }

    @Test
    void idIsRecoveredFromALineThatBreaksAfterIt() {
        ParsedRequest.Invalid invalid = invalid("{\"id\":7,\"op\":\"PUT\",\"pairs\":[[");
        assertThat(invalid.id().asInt()).isEqualTo(7);
        assertThat(invalid("{\"op\":\"PUT\",\"id\":\"x\",\"op\":\"GET\"}").id().textValue()).isEqualTo("x");
    }

    @Test
    void terminatorByteOrderMarkAndLeadingBlanksAreTolerated() {
        assertThat(valid("{\"op\":\"GET\",\"key\":\"a\",\"value\":\"b\"}\r\n").command()).isEqualTo(new Command.Get("a", "b"));
        assertThat(valid("\uFEFF  \t{\"op\":\"GET\",\"key\":\"a\",\"value\":\"b\"}").format()).isEqualTo(Format.JSON);
        assertThat(valid("\uFEFFGET a b\r\n").command()).isEqualTo(new Command.Get("a", "b"));
        assertThat(valid("  GET   a\tb  \n").command()).isEqualTo(new Command.Get("a", "b"));
    }

    @Test
    void deeplyNestedJsonIsMalformedNotACrash() {
        String deep = "{\"op\":\"PUT\",\"pairs\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertThat(invalid(deep).status()).isEqualTo(Status.MALFORMED);
    }

    // --- text mode -----------------------------------------------------------------------------------------

    @Test
    void textRequestsAsInSpec() {
        ParsedRequest.Valid put = valid("PUT user,1 alice user,2 bob,admin");
        assertThat(put.command()).isEqualTo(new Command.Put(List.of(
                Optional.of(Pair.of("user,1", "alice")), Optional.of(Pair.of("user,2", "bob,admin")))));
        assertThat(put.format()).isEqualTo(Format.TEXT);
        assertThat(put.id()).isNull();
        assertThat(put.given()).containsExactly(new GivenElement.Text("user,1", "alice"),
                new GivenElement.Text("user,2", "bob,admin"));
        assertThat(valid("POST user,2 bob").command()).isEqualTo(new Command.Post(List.of(Optional.of(Pair.of("user,2", "bob")))));
        assertThat(valid("GET user,.* .*").command()).isEqualTo(new Command.Get("user,.*", ".*"));
        assertThat(valid("DELETE user,1 .*").command()).isEqualTo(new Command.Delete("user,1", ".*"));
        assertThat(valid("PUT").command()).isEqualTo(new Command.Put(List.of()));
    }

    @Test
    void textTokensThatAreNotTuplesBecomeEmptySlots() {
        ParsedRequest.Valid put = valid("PUT user,,1 x a_b y \"a b\" z é,٣,² ok");
        assertThat(put.command()).isEqualTo(new Command.Put(List.of(Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(Pair.of("é,٣,²", "ok")))));
        assertThat(put.given().get(2)).isEqualTo(new GivenElement.Text("a b", "z"));
    }

    @Test
    void quotedTokensHoldSpacesAndEscapes() {
        assertThat(valid("GET \"user,\\d+ x\" \"say \\\"hi\\\" \\\\ \\d\"").command())
                .isEqualTo(new Command.Get("user,\\d+ x", "say \"hi\" \\ \\d"));
        assertThat(valid("GET \"\" .*").command()).isEqualTo(new Command.Get("", ".*"));
        assertThat(valid("GET a\"b c\\d").command()).isEqualTo(new Command.Get("a\"b", "c\\d"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "'' | expected an operator (GET, PUT, POST or DELETE) followed by its arguments, found an empty line",
        "'   ' | found an empty line",
        "GET a | expected GET keyexp valexp (two patterns), found 1 argument: a",
        "DELETE a b \"c d\" | expected DELETE keyexp valexp (two patterns), found 3 arguments: a b \"c d\"",
        "GET | found 0 arguments",
        "GET a b c d e | found 5 arguments: a b c d ...",
        "PUT user,1 alice user,2 | expected PUT key value [key value ...] (pairs as alternating key and value tuples), found 3 tokens: the last key \"user,2\" has no value",
        "GET \"a b .* | expected a closing quote for the token that starts at column 5, found the end of the line",
        "GET \"a\"b .* | expected a space after the closing quote at column 7, found 'b' at column 8",
    })
    void malformedTextSaysWhatWasExpectedAndFound(String line, String error) {
        ParsedRequest.Invalid invalid = invalid(line);
        assertThat(invalid.status()).isEqualTo(Status.MALFORMED);
        assertThat(invalid.format()).isEqualTo(Format.TEXT);
        assertThat(invalid.error()).contains(error);
    }

    @Test
    void aCarriageReturnInsideALineIsShownWhereItJoinedTwoTokens() {
        // a line typed on a terminal that sends CR for Enter, with LF only at its very end
        assertThat(invalid("GET k.*\rv.*").error()).isEqualTo("expected GET keyexp valexp (two patterns), found 1"
                + " argument: \"k.*\\x0dv.*\" (a control character is part of a token: only spaces and tabs separate"
                + " tokens)");
    }

    @Test
    void neverThrowsOnArbitraryInput() {
        java.util.Random random = new java.util.Random(42);
        String alphabet = "{}[]\",:\\ abcGETPUT01é\uD83D\uDE00\u0000\t";
        for (int n = 0; n < 5_000; n++) {
            StringBuilder line = new StringBuilder(random.nextBoolean() ? "{" : "");
            for (int i = random.nextInt(30); i > 0; i--) {
                line.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            ParsedRequest parsed = Requests.parse(line.toString());
            assertThat(parsed).isNotNull();
            if (parsed instanceof ParsedRequest.Invalid invalid) {
                assertThat(invalid.error()).isNotBlank();
            }
        }
    }
}
