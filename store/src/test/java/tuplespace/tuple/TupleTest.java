package tuplespace.tuple;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class TupleTest {

    /** Equality is of text forms however the tuples were made: from text, from its UTF-8, or one of each. */
    @Test
    void tuplesMadeFromTextOrFromBytesAreEqualExactlyWhenTheirTextFormsAre() {
        Tuple fromBytes = Tuple.parseUtf8("user,42".getBytes(StandardCharsets.UTF_8));
        Tuple fromOtherBytes = Tuple.parseUtf8("user,42".getBytes(StandardCharsets.UTF_8));
        Tuple fromText = Tuple.parse("user,42");
        assertThat(fromBytes).isEqualTo(fromOtherBytes).isEqualTo(fromText).hasSameHashCodeAs(fromText);
        assertThat(fromText).isEqualTo(fromBytes);
        assertThat(fromBytes).isNotEqualTo(Tuple.parseUtf8("user,43".getBytes(StandardCharsets.UTF_8)))
                .isNotEqualTo(Tuple.parse("user")).isNotEqualTo("user,42");
        Tuple accented = Tuple.parseUtf8("é,1".getBytes(StandardCharsets.UTF_8));
        assertThat(accented).isEqualTo(Tuple.parse("é,1"))
                .isEqualTo(Tuple.parseUtf8("é,1".getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a", "user,42", "Z9", "é", "٣", "²", "Ⅻ", "中文", "\uD835\uDC00", "ǅ", "ʰ", "abc,DEF,123"})
    void pythonIsalnumFieldsAreAccepted(String text) {
        Tuple tuple = Tuple.parse(text);
        assertThat(tuple.text()).isEqualTo(text);
        assertThat(Tuple.isTextForm(text)).isTrue();
        assertThat(new Tuple(tuple.fields())).isEqualTo(tuple);
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "'' | expected field 1 to be a non-empty string of letters and digits, found an empty string",
        "a, | expected field 2 to be a non-empty string",
        ",a | expected field 1 to be a non-empty string",
        "a,,b | expected field 2 to be a non-empty string",
        "a b | expected field 1 to hold only letters and digits, found (U+0020 SPACE) in \"a b\"",
        "a_b | found '_' (U+005F LOW LINE) in \"a_b\"",
        "a-b | found '-' (U+002D HYPHEN-MINUS)",
        "user.1 | found '.' (U+002E FULL STOP)",
        "e\u0301 | (U+0301 COMBINING ACUTE ACCENT)",
        "\uD83D\uDE00 | U+1F600",
        "x\uD800 | (U+D800",
        "a\tb | (U+0009",
    })
    void nonAlphanumericFieldsAreRefusedWithTheReason(String text, String reason) {
        assertThat(Tuple.isTextForm(text)).isFalse();
        assertThatThrownBy(() -> Tuple.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }

    /** The ASCII letters and digits, and nothing else below 0x80 (nor a negative number), whatever the lookup. */
    @Test
    void theAsciiAlphanumericsAreTheLettersAndDigits() {
        for (int c = -1; c < 0x80; c++) {
            boolean expected = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            assertThat(Tuple.isAlphanumeric(c)).as("code point %d", c).isEqualTo(expected);
            if (c >= 0) {
                assertThat(Tuple.ifTextForm(new byte[] {'a', (byte) c})).as("a%c", (char) c).isEqualTo(expected
                        ? Optional.of(Tuple.parse("a" + (char) c)) : Optional.empty());
            }
        }
        assertThat(Tuple.isAlphanumeric(Integer.MIN_VALUE)).isFalse();
    }

    @Test
    void aFieldHoldingACommaOrNothingIsRefused() {
        assertThatThrownBy(() -> Tuple.of("a,b")).hasMessageContaining("found ',' (U+002C COMMA) in \"a,b\"");
        assertThatThrownBy(() -> new Tuple(List.of())).hasMessage("expected a tuple of 1 or more fields, found an empty tuple");
        assertThatThrownBy(() -> Tuple.of("a", "")).hasMessageContaining("expected field 2 to be a non-empty string");
    }

    @Test
    void nonStringFieldsAreDescribed() {
        List<Object> fields = new ArrayList<>(Arrays.asList("a", 5));
        assertThat(Tuple.problemWith(fields)).contains("expected field 2 to be a string, found the integer 5");
        assertThat(Tuple.problemWith(Arrays.asList("a", null))).contains("expected field 2 to be a string, found null");
        assertThat(Tuple.problemWith(List.of(List.of("a")))).contains("expected field 1 to be a string, found a list");
        assertThat(Tuple.problemWith(null)).isPresent();
    }

    @Test
    void fieldsSizeAndTextForm() {
        Tuple tuple = Tuple.of("user", "42", "é");
        assertThat(tuple.fields()).containsExactly("user", "42", "é");
        assertThat(tuple.size()).isEqualTo(3);
        assertThat(tuple.text()).isEqualTo("user,42,é");
        assertThat(tuple).isEqualTo(Tuple.parse("user,42,é")).hasSameHashCodeAs(Tuple.parse("user,42,é"));
        assertThat(tuple).isNotEqualTo(Tuple.of("user", "42"));
        assertThat(Tuple.of("a").size()).isEqualTo(1);
    }

    @Test
    void orderIsByCodePointNotByUtf16Unit() {
        String bmpHigh = "\uFF21"; // FULLWIDTH LATIN CAPITAL LETTER A, U+FF21
        String astral = "\uD835\uDC00"; // MATHEMATICAL BOLD CAPITAL A, U+1D400: its UTF-16 units sort below U+FF21
        assertThat(bmpHigh.compareTo(astral)).isPositive(); // what String.compareTo gets wrong
        assertThat(Tuple.compareCodePoints(bmpHigh, astral)).isNegative();
        assertThat(Tuple.parse(bmpHigh).compareTo(Tuple.parse(astral))).isNegative();
        assertThat(Tuple.compareCodePoints("a" + astral, "a" + bmpHigh)).isPositive();
        assertThat(Tuple.compareCodePoints("ab", "a")).isPositive();
        assertThat(Tuple.compareCodePoints("a", "a")).isZero();
        assertThat(Tuple.compareCodePoints("a,b", "ab")).isNegative(); // ',' (U+002C) sorts before letters
    }

    @Test
    void fastComparatorAgreesWithTheUnitWalkOnMixedStrings() {
        java.util.Random random = new java.util.Random(20261125L);
        for (int round = 0; round < 30_000; round++) {
            String prefix = randomText(random, random.nextInt(4) * 8);
            String a = prefix + randomText(random, random.nextInt(6));
            String b = random.nextInt(8) == 0 ? a : prefix + randomText(random, random.nextInt(6));
            int expected = Integer.signum(Tuple.compareCodePointsByUnit(a, b));
            assertThat(Integer.signum(Tuple.compareCodePoints(a, b))).as(() -> escaped(a) + " vs " + escaped(b))
                    .isEqualTo(expected)
                    .isEqualTo(Integer.signum(Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray())));
        }
    }

    /** Code points from the ranges where UTF-16 and code-point order meet: ASCII, Latin-1, around U+D800/U+E000, astral. */
    private static String randomText(java.util.Random random, int codePoints) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            text.appendCodePoint(switch (random.nextInt(6)) {
                case 0, 1 -> 'a' + random.nextInt(3);
                case 2 -> 0xC0 + random.nextInt(3);
                case 3 -> 0xD7FE + random.nextInt(2);
                case 4 -> random.nextBoolean() ? 0xE000 + random.nextInt(2) : 0xFFFE + random.nextInt(2);
                default -> random.nextBoolean() ? 0x10000 + random.nextInt(2) : 0x10FFFE + random.nextInt(2);
            });
        }
        return text.toString();
    }

    private static String escaped(String text) {
        StringBuilder escaped = new StringBuilder();
        text.codePoints().forEach(cp -> escaped.append(String.format("U+%04X ", cp)));
        return escaped.toString();
    }

    @Test
    void pairOfTextForms() {
        Pair pair = Pair.of("user,1", "alice");
        assertThat(pair.key()).isEqualTo(Tuple.of("user", "1"));
        assertThat(pair.value()).isEqualTo(Tuple.of("alice"));
        assertThatThrownBy(() -> new Pair(null, Tuple.of("a"))).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aTupleCarriesItsTextInUtf8EncodedOnceAndParsedBackFromIt() {
        Tuple tuple = new Tuple(List.of("\u00e9t\u00e9", "\uD835\uDC00", "9"));
        byte[] utf8 = "\u00e9t\u00e9,\uD835\uDC00,9".getBytes(StandardCharsets.UTF_8);
        assertThat(tuple.utf8()).isEqualTo(utf8);
        assertThat(tuple.utf8()).isSameAs(tuple.utf8());
        Tuple parsed = Tuple.parseUtf8(utf8);
        assertThat(parsed).isEqualTo(tuple);
        assertThat(parsed.utf8()).isSameAs(utf8); // the given bytes become the tuple's own: no second copy
        assertThatThrownBy(() -> Tuple.parseUtf8("a,,b".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("field 2");
        assertThatThrownBy(() -> Tuple.parseUtf8(new byte[] {'a', (byte) 0xFF}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+FFFD");
    }

    @Test
    void ifTextFormReadsUtf8AndKeepsItOrSaysEmpty() {
        byte[] ascii = "user,42".getBytes(StandardCharsets.US_ASCII);
        assertThat(Tuple.ifTextForm(ascii)).hasValue(Tuple.of("user", "42"));
        assertThat(Tuple.ifTextForm(ascii).orElseThrow().utf8()).isSameAs(ascii);
        byte[] unicode = "\u00e9t\u00e9,\u0663".getBytes(StandardCharsets.UTF_8);
        assertThat(Tuple.ifTextForm(unicode)).hasValue(Tuple.of("\u00e9t\u00e9", "\u0663"));
        for (String bad : List.of("", ",", "a,", ",a", "a,,b", "a b", "a-b", "\u00e9 ", "a\u2028")) {
            assertThat(Tuple.ifTextForm(bad.getBytes(StandardCharsets.UTF_8))).as(bad).isEmpty();
        }
        assertThat(Tuple.ifTextForm(new byte[] {'a', (byte) 0xC3})).isEmpty(); // malformed UTF-8
    }

    /**
     * ifTextForm reads whole 8-byte words where it can: every ASCII byte, at every position of a 17-byte text (two
     * words and a byte after them), is judged as the text form's rules judge it.
     */
    @Test
    void everyAsciiByteAtEveryPositionIsJudgedAsTheTextFormIs() {
        for (int position = 0; position < 17; position++) {
            for (int c = 0; c < 0x80; c++) {
                byte[] bytes = "abcdefgh12345678Z".getBytes(StandardCharsets.US_ASCII);
                bytes[position] = (byte) c;
                String text = new String(bytes, StandardCharsets.US_ASCII);
                assertThat(Tuple.ifTextForm(bytes).isPresent()).as("%s", text).isEqualTo(Tuple.isTextForm(text));
            }
        }
    }

    /** Commas where fields start and end, in and across words, and non-ASCII anywhere: as the text form's rules say. */
    @Test
    void ifTextFormAgreesWithTheTextFormOnRandomBytes() {
        byte[] alphabet = {'a', 'z', 'A', 'Z', '0', '9', ',', ',', ',', '@', '[', '`', '{', '/', ':', '+', '-', 0,
                0x7F, (byte) 0xC3, (byte) 0xA9, (byte) 0xD9, (byte) 0xA3, (byte) 0x80};
        java.util.Random random = new java.util.Random(20261203);
        for (int round = 0; round < 200_000; round++) {
            byte[] bytes = new byte[random.nextInt(41)];
            boolean plain = random.nextInt(4) > 0; // mostly letters, digits and commas: the interesting structure
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = plain ? alphabet[random.nextInt(7)] : alphabet[random.nextInt(alphabet.length)];
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            Optional<Tuple> tuple = Tuple.ifTextForm(bytes);
            assertThat(tuple.isPresent()).as("%s", Arrays.toString(bytes)).isEqualTo(Tuple.isTextForm(text));
            tuple.ifPresent(found -> assertThat(found.text()).isEqualTo(text));
        }
    }

    @Test
    void ifWellFormedValidatesOnceAndSaysEmptyInsteadOfThrowing() {
        assertThat(Tuple.ifWellFormed(List.of("user", "42"))).hasValue(Tuple.parse("user,42"));
        assertThat(Tuple.ifWellFormed(List.of("user", "4 2"))).isEmpty();
        assertThat(Tuple.ifWellFormed(List.of())).isEmpty();
        assertThat(Tuple.ifWellFormed(Arrays.asList("a", 1))).isEmpty();
        assertThat(Tuple.ifWellFormed(List.of("\u4e2d")).orElseThrow().utf8())
                .isEqualTo("\u4e2d".getBytes(StandardCharsets.UTF_8));
    }
}
