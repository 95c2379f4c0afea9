package tuplespace.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.regex.Pattern;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.ArgumentCompleter;
import org.jline.reader.impl.completer.NullCompleter;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * A person at a terminal (JLine): line editing, history in {@code ~/.tuplespace_history}, tab completion of the
 * operators and shell commands. Ctrl-C drops the line being typed, or stops the wait for an answer; Ctrl-D ends the
 * session. Lines pasted at once come one by one. A line comes back as typed:
 * JLine's history expansion is off, since it would take {@code !} for a history reference and a backslash for its own
 * escape, and so change a pattern ({@code "user,[^\d]"} would become {@code "user,[^d]"}) before the quoting rules
 * every other input follows ({@link tuplespace.codec.TextTokens}) could see it.
 */
final class TerminalLines implements RequestLines {

    static final String PROMPT = "tuplespace> ";
    private static final Pattern LINE_BREAK = Pattern.compile("\\r\\n|\\r|\\n");

    private final Terminal terminal;
    private final LineReader reader;
    /** The lines after the first of a paste, still to hand on. */
    private final Deque<String> pasted = new ArrayDeque<>();

    TerminalLines() throws IOException {
        this(TerminalBuilder.builder().system(true).build(),
                Path.of(System.getProperty("user.home"), ".tuplespace_history"));
    }

    /** Lines read from {@code terminal}, with their history kept in {@code historyFile}. */
    TerminalLines(Terminal terminal, Path historyFile) {
        this.terminal = terminal;
        reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("tuplespace")
                .completer(new ArgumentCompleter(
                        new StringsCompleter("GET", "PUT", "POST", "DELETE", "help", "quit"), NullCompleter.INSTANCE))
                .variable(LineReader.HISTORY_FILE, historyFile)
                .option(LineReader.Option.CASE_INSENSITIVE, true)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .build();
    }

    /** Answers go to the terminal's writer so they do not tangle with the line being edited. */
    PrintWriter writer() {
        return terminal.writer();
    }

    /**
     * The next line typed; lines pasted at once (JLine gives a bracketed paste as one line holding line breaks) come
     * one by one, as if typed one after the other.
     */
    @Override
    public String next() {
        if (!pasted.isEmpty()) {
            return pasted.poll();
        }
        while (true) {
            try {
                String[] lines = LINE_BREAK.split(reader.readLine(PROMPT), -1);
                pasted.addAll(Arrays.asList(lines).subList(1, lines.length));
                return lines[0];
            } catch (UserInterruptException dropTheLine) {
                // Ctrl-C: forget the line being typed, as shells do; Ctrl-D (or quit) ends the session.
            } catch (EndOfFileException end) {
                return null;
            }
        }
    }

    /** Ctrl-C, which ends the process while no line is read, runs {@code action} instead until closed. */
    @Override
    public CtrlC onCtrlC(Runnable action) {
        Terminal.SignalHandler before = terminal.handle(Terminal.Signal.INT, signal -> action.run());
        return () -> terminal.handle(Terminal.Signal.INT, before);
    }

    @Override
    public boolean interactive() {
        return true;
    }

    @Override
    public void close() throws IOException {
        reader.getHistory().save();
        terminal.close();
    }
}
