package tuplespace.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
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
 * operators and shell commands. Ctrl-C drops the line being typed; Ctrl-D ends the session.
 */
final class TerminalLines implements RequestLines {

    static final String PROMPT = "tuplespace> ";

    private final Terminal terminal;
    private final LineReader reader;

    TerminalLines() throws IOException {
        terminal = TerminalBuilder.builder().system(true).build();
        reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("tuplespace")
                .completer(new ArgumentCompleter(
                        new StringsCompleter("GET", "PUT", "POST", "DELETE", "help", "quit"), NullCompleter.INSTANCE))
                .variable(LineReader.HISTORY_FILE, Path.of(System.getProperty("user.home"), ".tuplespace_history"))
                .option(LineReader.Option.CASE_INSENSITIVE, true)
                .build();
    }

    /** Answers go to the terminal's writer so they do not tangle with the line being edited. */
    PrintWriter writer() {
        return terminal.writer();
    }

    @Override
    public String next() {
        while (true) {
            try {
                return reader.readLine(PROMPT);
            } catch (UserInterruptException dropTheLine) {
                // Ctrl-C: forget the line being typed, as shells do; Ctrl-D (or quit) ends the session.
            } catch (EndOfFileException end) {
                return null;
            }
        }
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
