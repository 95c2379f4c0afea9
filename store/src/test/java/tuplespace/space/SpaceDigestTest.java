package tuplespace.space;

import static org.assertj.core.api.Assertions.assertThat;

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
}
