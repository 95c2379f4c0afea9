package tuplespace.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class LinesTest {

    @Test
    void aLineIsQuotedWhole() {
        assertThat(Lines.shortened("STATUS", 6)).isEqualTo("STATUS");
    }

    @Test
    void aLongerOneIsCutAndSaysSo() {
        assertThat(Lines.shortened("SHUTDOWN now", 8)).isEqualTo("SHUTDOWN...");
    }

    /** The cut comes first, so that no spelled-out character is cut in two. */
    @Test
    void controlCharactersAreSpelledOutAfterTheCut() {
        assertThat(Lines.shortened("A\u001b[2J\nB", 3)).isEqualTo("A\\x1b[...");
        assertThat(Lines.shortened("A\u001b\r\nB", 10)).isEqualTo("A\\x1b B");
    }

    @Test
    void countsSayOneAsOne() {
        assertThat(Lines.count(1, "pair")).isEqualTo("1 pair");
        assertThat(Lines.count(0, "pair")).isEqualTo("0 pairs");
        assertThat(Lines.count(3, "request")).isEqualTo("3 requests");
    }

    @Test
    void theFirstByteThatIsNotUtf8IsFoundFromTheBuffersPositionWhichStays() {
        byte[] bytes = "ab\u00e9c".getBytes(StandardCharsets.UTF_8); // a b 0xC3 0xA9 c
        assertThat(Lines.firstNonUtf8Byte(ByteBuffer.wrap(bytes))).isEmpty();
        bytes[3] = 'x'; // 0xC3 followed by no continuation byte
        ByteBuffer fromOne = ByteBuffer.wrap(bytes).position(1);
        assertThat(Lines.firstNonUtf8Byte(fromOne)).isEqualTo(OptionalInt.of(1));
        assertThat(fromOne.position()).isEqualTo(1);
        assertThat(Lines.firstNonUtf8Byte(ByteBuffer.wrap(new byte[] {'a', (byte) 0xFF}))).isEqualTo(OptionalInt.of(1));
    }
}
