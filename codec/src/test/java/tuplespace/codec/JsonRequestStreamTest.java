package tuplespace.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The streamed fast path answers exactly what the tree reading answers, or leaves the line to it. */
@Timeout(10)
class JsonRequestStreamTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"op\":\"GET\",\"key\":\"user,.*\",\"value\":\".*\"}",
        "{\"value\":\"v\",\"key\":\"k\",\"op\":\"DELETE\",\"id\":\"abc\"}",
        " {\"id\":1.50,\"op\":\"GET\",\"key\":\"\\u00e9\",\"value\":\"a\\\"b\"} ",
        "{\"id\":null,\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\"}",
        "{\"id\":123456789012345678901234567890,\"op\":\"DELETE\",\"key\":\"k\",\"value\":\"v\"}",
        "{\"id\":true,\"op\":\"PUT\",\"pairs\":[[[\"user\",\"1\"],[\"alice\"]],[\"a,b\",\"c\"]]}",
        "{\"pairs\":[[[\"user\",1],[\"\"]],[[\"k\"],[\"v\",\"w\"]]],\"op\":\"POST\",\"id\":-0.0}",
        "{\"op\":\"PUT\",\"pairs\":[]}",
        "{\"id\":1,\"op\":\"PUT\",\"pairs\":[[[\"bench\",\"7\"],[\"abcdefghijabcdefghij\"]]]}",
        "{\"id\":-7,\"op\":\"GET\",\"key\":\"bench,7\",\"value\":\".*\"}",
        "{\"id\":9223372036854775808,\"op\":\"POST\",\"pairs\":[[[\"k\"],[\"v\"]],[[[\"x\"]],[]],[[2.50,true,null],[]]]}",
        "{\"id\":\"s\\u0000\",\"op\":\"PUT\",\"pairs\":[[[],[\"v\"]],[[\"k\",\"\"],[\"v\"]]]}",
        "{\"op\":\"get\",\"key\":\"k\",\"value\":\"v\"}",
    })
    void aValidRequestIsReadExactlyAsTheTreeReadsIt(String line) {
        ParsedRequest tree = JsonRequests.parseTree(line);
        assertThat(tree).isInstanceOf(ParsedRequest.Valid.class);
        assertThat(JsonRequestStream.parseValid(line)).contains(tree);
        assertThat(JsonRequests.parse(line)).isEqualTo(tree);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "[1]",
        "{\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\"} x",
        "{\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\"",
        "{\"op\":\"GET\",\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\"}",
        "{\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\",\"key\":\"k\"}",
        "{\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\",\"value\":\"w\"}",
        "{\"id\":1,\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\",\"id\":2}",
        "{\"op\":\"PUT\",\"pairs\":[],\"pairs\":[[[\"a\"],[\"b\"]]]}",
        "{\"op\":\"POST\",\"pairs\":[[[\"k\"],[\"v\"]],[{\"a\":1},[2.50,true,null]]]}",
        "{\"op\":\"POST\",\"pairs\":[[{\"a\":1,\"a\":2},[\"v\"]]]}",
        "{\"op\":\"PUT\",\"pairs\":[[[\"k\",{\"b\":[],\"b\":[]}],[\"v\"]]]}",
        "{\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\",\"pairs\":[]}",
        "{\"op\":\"GET\",\"key\":\"k\"}",
        "{\"op\":\"GET\",\"key\":1,\"value\":\"v\"}",
        "{\"op\":\"MOVE\",\"key\":\"k\",\"value\":\"v\"}",
        "{\"op\":7,\"key\":\"k\",\"value\":\"v\"}",
        "{\"key\":\"k\",\"value\":\"v\"}",
        "{\"id\":[1],\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\"}",
        "{\"id\":{},\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\"}",
        "{\"op\":\"PUT\",\"pairs\":[[[\"a\"],[\"b\"],[\"c\"]]]}",
        "{\"op\":\"PUT\",\"pairs\":[\"ab\"]}",
        "{\"op\":\"PUT\",\"pairs\":{}}",
        "{\"op\":\"PUT\",\"pairs\":[[[\"a\"],[\"b\"]]],\"key\":\"k\"}",
        "{\"op\":\"POST\"}",
        "{\"op\":\"PUT\",\"pairs\":[[[\"a\"],[\"b\"]]],\"extra\":1}",
    })
    void anythingUnusualIsLeftToTheTreeReading(String line) {
        assertThat(JsonRequestStream.parseValid(line)).isEmpty();
        assertThat(JsonRequests.parse(line)).isEqualTo(JsonRequests.parseTree(line));
    }
}
