package tuplespace.cli;

import java.io.IOException;

/** Where the client's request lines come from: the command line, standard input, or the JLine terminal. */
interface RequestLines extends AutoCloseable {

    /**
     * The next line, or {@code null} at the end.
     *
     * @throws NotText for a line that is not text (it is skipped: the next call reads the line after it)
     */
    String next() throws IOException;

    /** A line that is not UTF-8 text, which is not sent; the message says where. */
    final class NotText extends IOException {
        NotText(String message) {
            super(message);
        }
    }

    /** Whether a person types the lines (then the session greets and prompts). */
    boolean interactive();

    /**
     * While what this returns is open, Ctrl-C runs {@code action} (interrupts the session's wait for an answer, or does
     * nothing while a pager has the terminal) instead of ending the process; closing it gives Ctrl-C back what it did
     * before. Only a terminal has a Ctrl-C of its own.
     */
    default CtrlC onCtrlC(Runnable action) {
        return () -> { };
    }

    /** Gives Ctrl-C back what it did before {@link #onCtrlC}. */
    interface CtrlC extends AutoCloseable {
        @Override
        void close();
    }

    /** What one of these lines is called in a message: "line", or "request" for the command line's. */
    default String unit() {
        return "line";
    }

    @Override
    default void close() throws IOException {
    }
}
