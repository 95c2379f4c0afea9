package tuplespace.space;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SpaceDigestTest {

    @Test
    void hashDependsOnTheTextsNotOnTheStringInstances() {
        String key = "user,1";
        String value = "alice";
        assertThat(SpaceDigest.hash(new String(key.toCharArray()), new String(value.toCharArray())))
                .isEqualTo(SpaceDigest.hash(key, value));
    }

    @Test
    void hashTellsKeyFromValueAndWhereTheKeyEnds() {
        assertThat(SpaceDigest.hash("a", "b")).isNotEqualTo(SpaceDigest.hash("b", "a"));
        assertThat(SpaceDigest.hash("a,b", "c")).isNotEqualTo(SpaceDigest.hash("a", "b,c"));
        assertThat(SpaceDigest.hash("x", "x")).isNotEqualTo(SpaceDigest.hash("y", "y"));
    }

    @Test
    void distinctPairsOfASpaceHashApart() {
        Set<Long> hashes = new HashSet<>();
        for (int key = 0; key < 20_000; key++) {
            for (String value : new String[] {"v", "w" + key, "é" + key}) {
                assertThat(hashes.add(SpaceDigest.hash("k," + key, value))).as("k,%d -> %s", key, value).isTrue();
            }
        }
    }

    @Test
    void removingWhatWasAddedRestoresTheDigest() {
        SpaceDigest digest = new SpaceDigest();
        digest.add(utf8("a"), utf8("1"));
        long one = digest.value();
        digest.add(utf8("b"), utf8("2"));
        assertThat(digest.value()).isNotEqualTo(one);
        digest.remove(utf8("b"), utf8("2"));
        assertThat(digest.value()).isEqualTo(one);
    }

    @Test
    void aTextHashesAlikeAsAStringAndAsUtf8() {
        for (String text : new String[] {"a", "bench,123456", "v0000000000000000001", "\u00E9t\u00E9", "\u00FF",
            "\u65E5\u672C,3", "\uFF21", "\uD835\uDC00", "x\uD840\uDC00y,\u0101", "Z".repeat(300)}) {
            assertThat(SpaceDigest.textHash(utf8(text))).as(text).isEqualTo(SpaceDigest.textHash(text));
            assertThat(SpaceDigest.hash(utf8("k," + text), utf8(text))).as(text)
                    .isEqualTo(SpaceDigest.hash("k," + text, text));
        }
    }

    /** Texts of every length up to 40, ASCII or with a non-ASCII character anywhere, hash alike in both forms. */
    @Test
    void aTextOfAnyLengthHashesAlikeAsAStringAndAsUtf8() {
        Random random = new Random(31);
        for (int length = 0; length <= 40; length++) {
            for (int round = 0; round < 20; round++) {
                StringBuilder text = new StringBuilder();
                for (int i = 0; i < length; i++) {
                    text.append((char) ('0' + random.nextInt(75))); // digits, some punctuation, letters
                }
                if (length > 0 && round % 2 == 1) {
                    text.setCharAt(random.nextInt(length), round % 4 == 1 ? '\u00E9' : '\u65E5');
                }
                String s = text.toString();
                assertThat(SpaceDigest.textHash(utf8(s))).as(s).isEqualTo(SpaceDigest.textHash(s));
            }
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
