package tuplespace.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET .* .* | less} in the shell: the answer is written, row by row as it is read, into a command of the
 * user's ({@code sh -c}), which reads it on its standard input and writes to the terminal. A pager that quits early
 * (q in {@code less}) only ends the output, never the session.
 */
final class Pager implements AutoCloseable {

    /** A request line and the command its answer goes through. */
    record PipedLine(String request, String command) {
    }

    private final Process process;
    private final PrintWriter in;

    private Pager(Process process) {
        this.process = process;
        this.in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Splits {@code line} at its last {@code " | "} outside double quotes (a pattern holding a space is quoted, so
     * this never cuts a request in two); empty when there is none or nothing follows it.
     */
    static Optional<PipedLine> split(String line) {
        boolean quoted = false;
        int bar = -1;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '\\' && i + 1 < line.length()) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '|' && i > 0 && i + 1 < line.length()
                    && line.charAt(i - 1) == ' ' && line.charAt(i + 1) == ' ') {
                bar = i;
            }
        }
        if (bar < 0 || line.substring(bar + 1).isBlank() || line.substring(0, bar).isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new PipedLine(line.substring(0, bar).strip(), line.substring(bar + 1).strip()));
    }

    /** Starts {@code command} with the terminal as its output. */
    static Pager start(String command) throws IOException {
        Process process = new ProcessBuilder(List.of("sh", "-c", command))
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        return new Pager(process);
    }

    /** Where the answer goes; writing to a pager that has quit is silently dropped. */
    PrintWriter writer() {
        return in;
    }

    /** Ends its input and waits for the user to leave it. */
    @Override
    public void close() throws InterruptedException {
        in.close();
        process.waitFor();
    }
}
