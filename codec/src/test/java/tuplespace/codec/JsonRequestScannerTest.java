package tuplespace.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tuplespace.tuple.Pair;

/** The scanned fast path answers exactly what the tree reading answers, or leaves the line to it. */
@Timeout(30)
class JsonRequestScannerTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"op\":\"GET\",\"key\":\"user,.*\",\"value\":\".*\"}",
        "{\"value\":\"v\",\"key\":\"k\",\"op\":\"DELETE\",\"id\":\"abc\"}",
        " {\"id\" : 12 ,\t\"op\":\"GET\" , \"key\":\"\\u00e9\\n\",\"value\":\"a\\\"b\\\\c\\/\\t\"} ",
        "{\"id\":null,\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\"}",
        "{\"id\":999999999999999999,\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\"}",
        "{\"id\":true,\"op\":\"PUT\",\"pairs\":[[[\"user\",\"1\"],[\"alice\"]],[\"a,b\",\"c\"]]}",
        "{\"pairs\":[[[\"user\",1],[\"\"]],[[\"k\"],[\"v\",\"w\"]]],\"op\":\"POST\",\"id\":false}",
        "{\"op\":\"PUT\",\"pairs\":[]}",
        "{\"op\":\"PUT\",\"pairs\":[ ]}",
        "{\"id\":1,\"op\":\"PUT\",\"pairs\":[[[\"bench\",\"7\"],[\"abcdefghijabcdefghij\"]]]}",
        "{\"id\":-7,\"op\":\"GET\",\"key\":\"bench,7\",\"value\":\".*\"}",
        "{\"id\":9,\"op\":\"POST\",\"pairs\":[[[\"k\"],[\"v\"]],[[[\"x\"]],[]],[[true,null],[]]]}",
        "{\"id\":\"s\\u0000\",\"op\":\"PUT\",\"pairs\":[[[],[\"v\"]],[[\"k\",\"\"],[\"v\"]]]}",
        "{\"op\":\"get\",\"key\":\"k\",\"value\":\"v\"}",
        "{\"id\":7,\"op\":\"PUT\",\"pairs\":[[[\"\u00e9t\u00e9\",\"\uD835\uDC00\"],[\"\u0663\",\"\u4e2d\u6587\"]]]}",
        "{\"op\":\"PUT\",\"pairs\":[[[\"k\"],[\"\",\"w\"]],[[\"a b\"],[\"c\"]],[[\"a,b\"],[\"c\"]],[[\"a\\u0062\"],[\"c\"]]]}",
        "{\"op\":\"PUT\",\"pairs\":[ [ [ \"a\" , \"b\" ] , [ \"c\" ] ] , [[\"\u00e9\"],[\"c\"]] ]}",
    })
    void aValidRequestIsReadExactlyAsTheTreeReadsIt(String line) {
        ParsedRequest tree = JsonRequests.parseTree(line);
        assertThat(tree).isInstanceOf(ParsedRequest.Valid.class);
        assertThat(scan(line)).contains(tree);
        assertThat(JsonRequests.parse(utf8(line))).isEqualTo(tree);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // valid, but rare enough to leave to the tree
        " {\"id\":1.50,\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\"} ",
        "{\"id\":1e3,\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\"}",
        "{\"id\":-0,\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\"}", // echoed as -0, which a BigInteger is not
        "{\"id\":123456789012345678901234567890,\"op\":\"DELETE\",\"key\":\"k\",\"value\":\"v\"}",
        "{\"id\":9223372036854775808,\"op\":\"POST\",\"pairs\":[[[\"k\"],[\"v\"]]]}",
        "{\"\\u006fp\":\"GET\",\"key\":\"k\",\"value\":\"v\"}",
        "{\"op\":\"GET\",\"key\":\"\\ud835\\udc00\",\"value\":\"v\"}",
        "{\"op\":\"GET\",\"key\":\"\u00e9\\n\",\"value\":\"v\"}",
        "{\"op\":\"POST\",\"pairs\":[[[\"k\"],[[[[\"deep\"]]]]]]}",
        "{\"id\":-0.0,\"op\":\"POST\",\"pairs\":[[[2.50],[]]]}",
        // not valid requests
        "",
        "[1]",
        "{}",
        "{\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\"} x",
        "{\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\"",
        "{\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\",}",
        "{,\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\"}",
        "{\"op\":\"GET\" \"key\":\"k\",\"value\":\"v\"}",
        "{\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\u0001\"}",
        "{\"op\":\"GET\",\"key\":\"k\",\"value\":\"\\x\"}",
        "{\"op\":\"GET\",\"key\":\"k\",\"value\":\"\\u12\"}",
        "{\"id\":01,\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\"}",
        "{\"id\":+1,\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\"}",
        "{\"id\":-,\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\"}",
        "{\"id\":1x,\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\"}",
        "{\"id\":truex,\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\"}",
        "{\"id\":nul,\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\"}",
        "{\"op\":\"GET\",\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\"}",
        "{\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\",\"key\":\"k\"}",
        "{\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\",\"value\":\"w\"}",
        "{\"id\":1,\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\",\"id\":2}",
        "{\"id\":null,\"op\":\"GET\",\"key\":\"k\",\"value\":\"v\",\"id\":null}",
        "{\"op\":\"PUT\",\"pairs\":[],\"pairs\":[[[\"a\"],[\"b\"]]]}",
        "{\"op\":\"POST\",\"pairs\":[[[\"k\"],[\"v\"]],[{\"a\":1},[2.50,true,null]]]}",
        "{\"op\":\"POST\",\"pairs\":[[{\"a\":1,\"a\":2},[\"v\"]]]}",
        "{\"op\":\"PUT\",\"pairs\":[[[\"k\",{\"b\":[],\"b\":[]}],[\"v\"]]]}",
        "{\"op\":\"PUT\",\"pairs\":[[[\"k\"],[\"v\"]],]}",
        "{\"op\":\"PUT\",\"pairs\":[[[\"k\",],[\"v\"]]]}",
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
        assertThat(scan(line)).isEmpty();
        assertThat(JsonRequests.parse(utf8(line))).isEqualTo(JsonRequests.parseTree(line));
    }

    @Test
    void anElementThatSpellsAPairIsKeptAsThePairAndAnyOtherAsItsJson() throws Json.JsonInputException {
        ParsedRequest.Valid put = (ParsedRequest.Valid) scan(
                "{\"op\":\"PUT\",\"pairs\":[[[\"user\",\"1\"],[\"alice\"]],[[\"a\\u0062\"],[\"c\"]],[[\"a b\"],[\"c\"]]]}")
                .orElseThrow();
        assertThat(put.given()).containsExactly(new GivenElement.JsonPair(Pair.of("user,1", "alice")),
                new GivenElement.JsonPair(Pair.of("ab", "c")), new GivenElement.Json(Json.readWhole("[[\"a b\"],[\"c\"]]")));
    }

    @Test
    void malformedUtf8IsLeftByTheScannerAndTheLineIsMalformedNamingTheByte() {
        byte[] prefix = "{\"op\":\"GET\",\"key\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] suffix = "\",\"value\":\"v\"}".getBytes(StandardCharsets.US_ASCII);
        // a lone lead byte, an encoded surrogate, an overlong '/', a byte UTF-8 never uses
        for (byte[] bad : List.of(new byte[] {(byte) 0xC3}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xFF})) {
            ByteBuf line = Unpooled.buffer().writeBytes(prefix).writeBytes(bad).writeBytes(suffix);
            assertThat(JsonRequestScanner.parseValid(line)).isEmpty();
            ParsedRequest.Invalid parsed = (ParsedRequest.Invalid) JsonRequests.parse(line);
            assertThat(parsed.status()).isEqualTo(Status.MALFORMED);
            assertThat(parsed.error()).startsWith(String.format("expected a request line in UTF-8, found the byte 0x%02X"
                    + " at byte %d of the line", bad[0] & 0xFF, prefix.length + 1));
        }
    }

    /**
     * Thousands of lines a few random edits away from valid requests: whatever the scanner answers is what the tree
     * reads, and it answers nothing for a line the tree finds invalid.
     */
    @Test
    void aLineEditedAtRandomIsReadAsTheTreeReadsItOrLeftToIt() {
        List<String> seeds = List.of(
                "{\"id\":12,\"op\":\"GET\",\"key\":\"user,.*\",\"value\":\".*\"}",
                "{\"id\":\"a\",\"op\":\"PUT\",\"pairs\":[[[\"user\",\"1\"],[\"alice\"]],[[\"k\"],[\"v\",\"w\"]]]}",
                "{\"op\":\"DELETE\",\"key\":\"a\\\\d\",\"value\":\"\\u0041\"}");
        String alphabet = "{}[]\",:\\ \t0123456789-+.eE truefalsnlopidkeyvaupirsGETPUT\u00e9\u0001";
        Random random = new Random(20261203);
        int scanned = 0;
        for (int round = 0; round < 20_000; round++) {
            StringBuilder line = new StringBuilder(seeds.get(random.nextInt(seeds.size())));
            for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
                int at = random.nextInt(line.length() + 1);
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                switch (random.nextInt(3)) {
                    case 0 -> line.insert(at, c);
                    case 1 -> { if (at < line.length()) line.deleteCharAt(at); }
                    default -> { if (at < line.length()) line.setCharAt(at, c); }
                }
            }
            String text = line.toString();
            ParsedRequest tree = JsonRequests.parseTree(text);
            Optional<ParsedRequest> scan = scan(text);
            if (scan.isPresent()) {
                scanned++;
                assertThat(scan.get()).as(text).isEqualTo(tree);
            } else if (tree instanceof ParsedRequest.Valid) {
                assertThat(JsonRequests.parse(utf8(text))).as(text).isEqualTo(tree);
            }
        }
        assertThat(scanned).as("edited lines the scanner read itself").isGreaterThan(1_000);
    }

    private static Optional<ParsedRequest> scan(String line) {
        return JsonRequestScanner.parseValid(utf8(line));
    }

    private static ByteBuf utf8(String line) {
        return Unpooled.copiedBuffer(line, StandardCharsets.UTF_8);
    }
}
