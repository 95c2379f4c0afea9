package tuplespace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.jline.terminal.impl.ExternalTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shell hands on each line as typed, as a request argument or a line on stdin would be. */
class TerminalLinesTest {

    @TempDir
    Path home;

    /**
     * A backslash and a {@code !} reach the request unchanged: JLine's history expansion took {@code \d} for an escaped
     * {@code d} (a DELETE of {@code "del,[^\d]"} removed {@code del,1} too) and {@code !!} for the line before.
     */
    @Test
    void backslashesAndExclamationMarksAreKept() throws IOException {
        List<String> typed = List.of(
                "DELETE \"del,[^\\d]\" .*",
                "GET sh,\\d .*",
                "GET !! .*",
                "GET rx,!1 .*",
                "GET \"a\\\\b\" .*");

        assertThat(linesRead(String.join("\n", typed) + "\n", typed.size())).isEqualTo(typed);
    }

    /**
     * Lines pasted at once (a terminal's bracketed paste, which JLine returns as one line holding line breaks; xterm
     * sends a pasted line end as CR) come one by one: handed on whole, they ended the shell ("expected one request
     * line, found a line break inside").
     */
    @Test
    void pastedLinesComeOneByOne() throws IOException {
        ExternalTerminal xterm = new ExternalTerminal("paste", "xterm", new ByteArrayInputStream(
                "\033[200~GET a .*\rGET b .*\r\rGET c .*\033[201~\rGET d .*\r".getBytes(StandardCharsets.UTF_8)),
                new ByteArrayOutputStream(), StandardCharsets.UTF_8);
        try (TerminalLines lines = new TerminalLines(xterm, home.resolve(".tuplespace_history"))) {
            List<String> read = new ArrayList<>();
            for (String line = lines.next(); line != null; line = lines.next()) {
                read.add(line);
            }
            assertThat(read).containsExactly("GET a .*", "GET b .*", "", "GET c .*", "GET d .*");
        }
    }

    /** While an answer is awaited, Ctrl-C runs what the session asks; afterwards it does what it did before. */
    @Test
    void ctrlCRunsTheSessionsActionOnlyWhileItLasts() throws IOException {
        ExternalTerminal xterm = new ExternalTerminal("ctrl-c", "xterm", new ByteArrayInputStream(new byte[0]),
                new ByteArrayOutputStream(), StandardCharsets.UTF_8);
        try (TerminalLines lines = new TerminalLines(xterm, home.resolve(".tuplespace_history"))) {
            Thread waiting = Thread.currentThread();
            try (RequestLines.CtrlC interrupts = lines.onCtrlC(waiting::interrupt)) {
                xterm.raise(Terminal.Signal.INT);
                assertThat(Thread.interrupted()).as("interrupted by Ctrl-C").isTrue();
            }
            xterm.raise(Terminal.Signal.INT);
            assertThat(Thread.interrupted()).as("after the wait").isFalse();
        }
    }

    @Test
    void theInputsEndEndsTheSession() throws IOException {
        try (TerminalLines lines = terminalLines("GET a .*\n")) {
            assertThat(lines.next()).isEqualTo("GET a .*");
            assertThat(lines.next()).isNull();
        }
    }

    private List<String> linesRead(String input, int count) throws IOException {
        List<String> read = new ArrayList<>();
        try (TerminalLines lines = terminalLines(input)) {
            for (int i = 0; i < count; i++) {
                read.add(lines.next());
            }
        }
        return read;
    }

    private TerminalLines terminalLines(String input) throws IOException {
        DumbTerminal terminal = new DumbTerminal(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new ByteArrayOutputStream());
        return new TerminalLines(terminal, home.resolve(".tuplespace_history"));
    }
}
