package tuplespace.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.space.Command;
import tuplespace.space.Result;
import tuplespace.tuple.Pair;

@Timeout(10)
class ClientCodecTest {

    private static ParsedRequest.Valid parse(String line) {
        return (ParsedRequest.Valid) Requests.parse(line);
    }

    @Test
    void encodedRequestsParseBackToTheSameCommandAndId() {
        List<Pair> pairs = List.of(Pair.of("user,1", "alice"), Pair.of("é,٣", "x,y"));
        assertThat(parse(ClientRequests.get(1, "user,\\d+", ".* x")).command()).isEqualTo(new Command.Get("user,\\d+", ".* x"));
        assertThat(parse(ClientRequests.delete(2, "a", "\"")).command()).isEqualTo(new Command.Delete("a", "\""));
        assertThat(parse(ClientRequests.put(3, pairs)).command())
                .isEqualTo(new Command.Put(pairs.stream().map(Optional::of).toList()));
        ParsedRequest.Valid post = parse(ClientRequests.post(4, pairs));
        assertThat(post.command()).isEqualTo(new Command.Post(pairs.stream().map(Optional::of).toList()));
        assertThat(post.id().longValue()).isEqualTo(4);
        assertThat(ClientRequests.get(1, "a", "b")).isEqualTo("{\"id\":1,\"op\":\"GET\",\"key\":\"a\",\"value\":\"b\"}\n");
    }

    @Test
    void aTypedTextRequestIsReencodedWithItsElementsAsGiven() {
        String json = ClientRequests.encode(parse("put user,1 alice user,,2 bob"), 9);
        assertThat(json).isEqualTo("{\"id\":9,\"op\":\"PUT\",\"pairs\":[[[\"user\",\"1\"],[\"alice\"]],"
                + "[[\"user\",\"\",\"2\"],[\"bob\"]]]}\n");
        assertThat(parse(json).command()).isEqualTo(new Command.Put(List.of(Optional.of(Pair.of("user,1", "alice")),
                Optional.empty())));
        assertThat(ClientRequests.encode(parse("GET a b"), 3)).isEqualTo(ClientRequests.get(3, "a", "b"));
    }

    @Test
    void answersDecodeBackToIdStatusPairsWarningAndNote() {
        String line = Answers.format(parse("{\"id\":2,\"op\":\"GET\",\"key\":\"(\",\"value\":\".*\"}"),
                new Result.Matched(List.of(Pair.of("user,1", "alice")), Optional.of("careful"), Optional.of("noted"),
                        tuplespace.pattern.CutOff.NONE));
        ParsedAnswer answer = AnswerDecoder.decode(line);
        assertThat(answer.longId()).contains(2L);
        assertThat(answer.status()).isEqualTo(Status.OK);
        assertThat(answer.wellFormedPairs()).containsExactly(Pair.of("user,1", "alice"));
        assertThat(answer.warning()).contains("careful");
        assertThat(answer.note()).contains("noted");
        assertThat(answer.error()).isEmpty();
    }

    @Test
    void aCutOffDecodesToTheBoundThatCutItAndAnUnknownBoundToNone() {
        String line = Answers.format(parse("{\"id\":2,\"op\":\"GET\",\"key\":\".*\",\"value\":\".*\"}"),
                Result.Matched.cutOff(tuplespace.pattern.CutOff.REQUEST_CPU_LIMIT, "too much"));
        assertThat(AnswerDecoder.decode(line).cutOff()).contains(tuplespace.pattern.CutOff.REQUEST_CPU_LIMIT);
        assertThat(AnswerDecoder.decode(line).warning()).contains("too much");
        assertThat(AnswerDecoder.decode("{\"status\":\"ok\",\"pairs\":[],\"warning\":\"w\",\"cutoff\":\"tomorrow\"}")
                .cutOff()).isEmpty();
        assertThat(AnswerDecoder.decode("{\"status\":\"ok\",\"pairs\":[]}").cutOff()).isEmpty();
    }

    @Test
    void aNotedAnswerDecodesWithoutAWarning() {
        ParsedAnswer answer = AnswerDecoder.decode("{\"id\":1,\"status\":\"ok\",\"pairs\":[[[\"a\"],[\"x\"]]],"
                + "\"note\":\"keyexp: Possible nested set at position 1\"}\n");
        assertThat(answer.warning()).isEmpty();
        assertThat(answer.note()).contains("keyexp: Possible nested set at position 1");
        assertThat(answer.wellFormedPairs()).containsExactly(Pair.of("a", "x"));
    }

    @Test
    void aNoteThatIsNotAStringIsAMalformedAnswer() {
        assertThatThrownBy(() -> AnswerDecoder.decode("{\"status\":\"ok\",\"pairs\":[],\"note\":1}"))
                .isInstanceOf(MalformedAnswerException.class)
                .hasMessage("expected \"note\" in the answer to be a string, found the number 1");
    }

    @Test
    void echoedElementsThatAreNotPairsStayRawJson() {
        ParsedRequest.Valid put = parse("{\"id\":1,\"op\":\"PUT\",\"pairs\":[[[\"a\"],[\"b\"]],[\"a\",[\"b\"]]]}");
        ParsedAnswer answer = AnswerDecoder.decode(Answers.format(put, new Result.NotUsed(List.of(0, 1))));
        assertThat(answer.pairs()).hasSize(2);
        assertThat(answer.pairs().get(0).pair()).contains(Pair.of("a", "b"));
        assertThat(answer.pairs().get(1).pair()).isEmpty();
        assertThat(answer.pairs().get(1).jsonText()).isEqualTo("[\"a\",[\"b\"]]");
    }

    @Test
    void aBigAnswerCanBeReadElementByElementAndCountedWithoutMakingThem() {
        List<Pair> pairs = new java.util.ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            pairs.add(Pair.of("k," + i, "v" + i));
        }
        String line = Answers.format(parse("{\"id\":4,\"op\":\"GET\",\"key\":\"k,.*\",\"value\":\".*\"}"),
                Result.Matched.of(pairs));
        List<Pair> streamed = new java.util.ArrayList<>();
        ParsedAnswer header = AnswerDecoder.decode(line, element -> streamed.add(element.pair().orElseThrow()));
        assertThat(streamed).isEqualTo(pairs);
        assertThat(header.pairs()).isEmpty();
        assertThat(header.status()).isEqualTo(Status.OK);
        assertThat(header.longId()).contains(4L);
        assertThat(AnswerDecoder.header(line).pairCount()).isEqualTo(5_000);
        assertThat(AnswerDecoder.header(line).answer().status()).isEqualTo(Status.OK);
        assertThat(AnswerDecoder.decode(line).wellFormedPairs()).isEqualTo(pairs);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"\"x\"", "5", "null", "{\"a\":[1,{\"b\":[]}]}", "[]",
            "[[\"a\"]]", "[[\"a\"],[\"b\"],[\"c\"]]", "[[\"a\",\"\"],[\"b\"]]", "[[\"a,b\"],[\"c\"]]",
            "[[[\"x\"]],[\"b\"]]", "[[\"a\"],{\"k\":[1]}]", "[[\"a\"],[\"b\",7]]", "[[],[\"b\"]]",
            "[[\"a b\"],[\"c\"]]"})
    void anElementThatIsNotAWellFormedPairIsKeptAsGivenBetweenPairsThatAre(String given) throws Exception {
        ParsedAnswer answer = AnswerDecoder.decode("{\"status\":\"ok\",\"pairs\":[[[\"a\"],[\"1\"]]," + given
                + ",[[\"b\",\"2\"],[\"x\",\"y\"]]]}");
        assertThat(answer.pairs()).hasSize(3);
        assertThat(answer.pairs().get(0).pair()).contains(Pair.of("a", "1"));
        assertThat(answer.pairs().get(1).pair()).isEmpty();
        assertThat(answer.pairs().get(1).jsonText()).isEqualTo(Json.MAPPER.readTree(given).toString());
        assertThat(answer.pairs().get(2).pair()).contains(Pair.of("b,2", "x,y"));
    }

    @Test
    void errorAnswersDecode() {
        ParsedAnswer refused = AnswerDecoder.decode(Answers.refused("too many clients"));
        assertThat(refused.id()).isNull();
        assertThat(refused.status()).isEqualTo(Status.REFUSED);
        assertThat(refused.error()).contains("too many clients");
        assertThat(refused.pairs()).isEmpty();
    }

    @Test
    void malformedAnswersSayWhatIsWrong() {
        assertThatThrownBy(() -> AnswerDecoder.decode("ok 2 pairs")).isInstanceOf(MalformedAnswerException.class)
                .hasMessageStartingWith("expected a JSON answer line, found invalid JSON at column 1");
        assertThatThrownBy(() -> AnswerDecoder.decode("{\"id\":1}")).hasMessage(
                "expected a \"status\" string in the answer, found nothing");
        assertThatThrownBy(() -> AnswerDecoder.decode("{\"status\":\"great\"}")).hasMessageContaining("found \"great\"");
        assertThatThrownBy(() -> AnswerDecoder.decode("{\"status\":\"ok\",\"pairs\":3}"))
                .hasMessage("expected \"pairs\" in the answer to be a list, found the number 3");
    }

    @Test
    void statusWordsRoundTrip() {
        for (Status status : Status.values()) {
            assertThat(Status.fromWire(status.wire())).contains(status);
        }
        assertThat(Status.NOT_IMPLEMENTED.wire()).isEqualTo("not_implemented");
        assertThat(Status.fromWire("OK")).isEmpty();
    }
}
