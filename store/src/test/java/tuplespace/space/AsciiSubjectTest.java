package tuplespace.space;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AsciiSubjectTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anAsciiTextReadsAsItsString() {
        AsciiSubject subject = new AsciiSubject();
        CharSequence seen = subject.of(utf8("user,42,7"));
        assertThat(seen.length()).isEqualTo(9);
        assertThat(seen.charAt(5)).isEqualTo('4');
        assertThat(seen.subSequence(5, 7).toString()).isEqualTo("42");
        assertThat(seen.toString()).isEqualTo("user,42,7");
        assertThat(subject.of(utf8("bench,1")).toString()).isEqualTo("bench,1"); // reused for the next key
    }

    @Test
    void anyOtherTextIsDecoded() {
        for (String text : new String[] {"caf\u00E9", "\u65E5\u672C", "a,\uD835\uDC00"}) {
            CharSequence seen = new AsciiSubject().of(utf8(text));
            assertThat(seen).isInstanceOf(String.class);
            assertThat(seen.toString()).isEqualTo(text);
        }
    }
}
