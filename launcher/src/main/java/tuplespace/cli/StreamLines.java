package tuplespace.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Standard input that is not a terminal (a pipe or a file): one request per line, no prompt. */
final class StreamLines implements RequestLines {

    private final BufferedReader reader;

    StreamLines(InputStream in) {
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    @Override
    public String next() throws IOException {
        return reader.readLine();
    }

    @Override
    public boolean interactive() {
        return false;
    }
}
