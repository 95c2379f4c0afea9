package tuplespace.cli;

import io.netty.buffer.Unpooled;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import tuplespace.codec.Lines;

/**
 * Standard input that is not a terminal (a pipe or a file): one request per line (ended by LF or CRLF), no prompt.
 * Each line is decoded strictly: one that is not UTF-8 is refused as the service refuses it, where a lenient decoding
 * would have sent U+FFFD in place of its bytes, unnoticed.
 */
final class StreamLines implements RequestLines {

    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean ended;

    StreamLines(InputStream in) {
        this.in = new BufferedInputStream(in);
    }

    @Override
    public String next() throws IOException {
        if (ended) {
            return null;
        }
        line.reset();
        int read = in.read();
        for (; read != -1 && read != '\n'; read = in.read()) {
            line.write(read);
        }
        if (read == -1) {
            ended = true;
            if (line.size() == 0) {
                return null;
            }
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        Optional<String> notUtf8 = Lines.notUtf8(Unpooled.wrappedBuffer(bytes, 0, length));
        if (notUtf8.isPresent()) {
            throw new NotText(notUtf8.get());
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    @Override
    public boolean interactive() {
        return false;
    }
}
