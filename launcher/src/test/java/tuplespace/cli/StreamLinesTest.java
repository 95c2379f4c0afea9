package tuplespace.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Request lines read from standard input that is not a terminal. */
class StreamLinesTest {

    /**
     * A line that is not UTF-8 is refused as the service refuses it, and the lines after it are read on: decoded
     * leniently, its bytes were sent as U+FFFD and answered ok, unnoticed.
     */
    @Test
    void aLineThatIsNotUtf8IsRefusedNamingTheByteAndTheNextOneIsRead() throws IOException {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        input.writeBytes("PUT a 1\r\nGET caf".getBytes(StandardCharsets.UTF_8));
        input.write(0xE9); // é in Latin-1
        input.writeBytes(" .*\nGET \u00e9 .*".getBytes(StandardCharsets.UTF_8));
        StreamLines lines = new StreamLines(new ByteArrayInputStream(input.toByteArray()));

        assertThat(lines.next()).isEqualTo("PUT a 1");
        assertThatThrownBy(lines::next).isInstanceOf(RequestLines.NotText.class).hasMessage("expected a request line"
                + " in UTF-8, found the byte 0xE9 at byte 8 of the line, which is not UTF-8 there");
        assertThat(lines.next()).as("the last line, without a line end").isEqualTo("GET \u00e9 .*");
        assertThat(lines.next()).isNull();
    }
}
