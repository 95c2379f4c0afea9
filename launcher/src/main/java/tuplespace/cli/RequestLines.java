package tuplespace.cli;

import java.io.IOException;

/** Where the client's request lines come from: the command line, standard input, or the JLine terminal. */
interface RequestLines extends AutoCloseable {

    /** The next line, or {@code null} at the end. */
    String next() throws IOException;

    /** Whether a person types the lines (then the session greets and prompts). */
    boolean interactive();

    /** What one of these lines is called in a message: "line", or "request" for the command line's. */
    default String unit() {
        return "line";
    }

    @Override
    default void close() throws IOException {
    }
}
