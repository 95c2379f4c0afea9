package tuplespace.space;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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
        digest.add("a", "1");
        long one = digest.value();
        digest.add("b", "2");
        assertThat(digest.value()).isNotEqualTo(one);
        digest.remove("b", "2");
        assertThat(digest.value()).isEqualTo(one);
    }

    @Test
    void aTextHashesAlikeAsAStringAndAsUtf8() {
        for (String text : new String[] {"a", "bench,123456", "v0000000000000000001", "\u00E9t\u00E9", "\u00FF",
            "\u65E5\u672C,3", "\uFF21", "\uD835\uDC00", "x\uD840\uDC00y,\u0101", "Z".repeat(300)}) {
            assertThat(SpaceDigest.textHash(text.getBytes(StandardCharsets.UTF_8)))
                    .as(text).isEqualTo(SpaceDigest.textHash(text));
        }
    }

    @Test
    void removingByUtf8ValueUndoesAddingByText() {
        SpaceDigest digest = new SpaceDigest();
        digest.add("k,1", "caf\u00E9");
        digest.add("k,2", "plain");
        digest.add("k,3", "\uD835\uDC00");
        digest.remove("k,1", "caf\u00E9".getBytes(StandardCharsets.UTF_8));
        digest.remove("k,2", "plain".getBytes(StandardCharsets.UTF_8));
        digest.remove("k,3", "\uD835\uDC00".getBytes(StandardCharsets.UTF_8));
        assertThat(digest.value()).isZero();
    }
}
