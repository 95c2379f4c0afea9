package tuplespace.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tuplespace.tuple.Pair;

/** Matches in chunks read back as one list, in the order they were added, whatever their number. */
class MatchListTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyPairComesBackInOrderAcrossChunks() {
        for (int count : new int[] {0, 1, 4, 5, MatchList.CHUNK_PAIRS, MatchList.CHUNK_PAIRS + 1, 3 * MatchList.CHUNK_PAIRS + 7}) {
            MatchList matches = new MatchList();
            long bytes = 0;
            for (int i = 0; i < count; i++) {
                byte[] key = utf8("k," + i);
                byte[] value = utf8("v" + (i % 10));
                matches.add(key, value);
                bytes += key.length + value.length;
            }
            assertThat(matches).hasSize(count);
            assertThat(matches.textBytes()).isEqualTo(bytes);
            List<String> seen = new ArrayList<>();
            matches.forEachUtf8((key, value) -> seen.add(new String(key, StandardCharsets.UTF_8) + " "
                    + new String(value, StandardCharsets.UTF_8)));
            assertThat(seen).hasSize(count);
            for (int i : new int[] {0, count / 2, count - 1, MatchList.CHUNK_PAIRS - 1, MatchList.CHUNK_PAIRS}) {
                if (i >= 0 && i < count) {
                    assertThat(seen.get(i)).isEqualTo("k," + i + " v" + (i % 10));
                    Pair pair = matches.get(i);
                    assertThat(pair.key().text() + " " + pair.value().text()).isEqualTo("k," + i + " v" + (i % 10));
                }
            }
        }
    }

    @Test
    void anIndexOutsideIsRefused() {
        MatchList matches = new MatchList();
        matches.add(utf8("k"), utf8("v"));
        assertThatThrownBy(() -> matches.get(1)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("expected an index below 1, found 1");
    }
}
