package tuplespace.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import tuplespace.client.ConnectFailedException;
import tuplespace.client.ConnectionLostException;
import tuplespace.client.LineAnswer;
import tuplespace.client.RefusedException;
import tuplespace.client.RequestTimeoutException;
import tuplespace.client.TupleSpaceClient;
import tuplespace.codec.ClientRequests;
import tuplespace.codec.MalformedAnswerException;
import tuplespace.codec.Operator;
import tuplespace.codec.ParsedRequest;
import tuplespace.codec.Requests;
import tuplespace.codec.ShutdownPortCommand;
import tuplespace.proxy.ProxyConfig;
import tuplespace.space.Command;

/**
 * Sends request lines one by one and prints each answer, raw or readable, keeping the exit status.
 *
 * <p>Readable output: a text-mode line the codec accepts is re-encoded as JSON (so the answer comes back typed
 * and can be shown as a table with counts); a line the codec rejects is still sent as typed, so the user sees
 * the service's own answer (its {@code malformed}/{@code not_implemented} message); a JSON line is sent as typed.
 * Raw output: every line is sent as typed and its answer printed exactly as received.
 *
 * <p>A line found unsent because the connection closed while the session waited for it (the proxy's
 * {@code --client-idle-timeout}, or a proxy restarted) is sent once more on a new connection: nothing of it was
 * applied. A connection that closes with a request under way, or a refusal of a line that was sent, ends the session:
 * what it did is unknown, or the next line would be refused too.
 */
final class RequestSession implements AutoCloseable {

    /** Opens a connection to the service; throws {@link ConnectFailedException} or {@link RefusedException}. */
    interface Connector {
        TupleSpaceClient connect();
    }

    static final String HELP = String.join("\n",
            "Requests (operators in any case; a tuple is its fields joined by ','; a pattern is a Python regular",
            "expression that must match a key's or value's whole text form):",
            "  PUT key value [key value ...]    add each pair whose key is absent",
            "  POST key value [key value ...]   update each pair whose key is present",
            "  GET keyexp valexp                list matching pairs, e.g.  GET user,.* .*",
            "  DELETE keyexp valexp             remove matching pairs and list them",
            "  GET keyexp valexp | less         show the answer through a pager (any shell command reading stdin)",
            "  {\"op\":\"GET\",\"key\":\".*\",\"value\":\".*\"}   a JSON-mode request, sent as it is",
            "Quote a token that holds spaces, e.g.  GET \"user,\\d+\" .*",
            "Shell commands: help, quit (or Ctrl-D). Lines starting with # are skipped.",
            "");

    private final Connector connector;
    private TupleSpaceClient client;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean raw;
    private long nextId = 1;
    /** The line being sent as the user gave it, and as it went (re-encoded as JSON), for the messages about it. */
    private String typedLine = "";
    private String sentLine = "";
    /** The session ended on a line it could not send (no new connection could be made for it). */
    private boolean stoppedUnsent;
    /** Where the lines come from: for what Ctrl-C does meanwhile. */
    private RequestLines lines;
    private boolean anyNotOk;
    private boolean anyTimeout;

    /** A session that sends on {@code client}, and on a new connection from {@code connector} once that closed. */
    RequestSession(TupleSpaceClient client, Connector connector, PrintWriter out, PrintWriter err, boolean raw) {
        this.client = client;
        this.connector = connector;
        this.out = out;
        this.err = err;
        this.raw = raw;
    }

    /** Runs until the lines end, {@code quit}, or the connection is lost or refused; returns the exit status. */
    ExitStatus run(RequestLines lines) throws IOException {
        this.lines = lines;
        int read = 0;
        while (true) {
            String line;
            try {
                line = lines.next();
            } catch (RequestLines.NotText notText) {
                read++;
                err.println("tuplespace client: " + lines.unit() + " " + read + ": " + notText.getMessage() + "; it is"
                        + " not sent");
                err.flush();
                anyNotOk = true;
                continue;
            }
            if (line == null) {
                break;
            }
            read++;
            String command = line.strip();
            if (command.isEmpty() || command.startsWith("#")) {
                continue;
            }
            if (isQuit(command)) {
                break;
            }
            if (isHelp(command)) {
                out.print(HELP);
                out.flush();
                continue;
            }
            Optional<String> notARequest = shutdownPortCommand(command);
            if (notARequest.isPresent()) {
                err.println("tuplespace client: " + notARequest.get());
                err.flush();
                anyNotOk = true;
                continue;
            }
            ExitStatus fatal = send(line);
            if (fatal != null) {
                if (!lines.interactive()) {
                    err.println("tuplespace client: stopped at " + lines.unit() + " " + read
                            + (stoppedUnsent ? ", which was not sent either" : "") + ": nothing after it was sent");
                    err.flush();
                }
                return fatal;
            }
        }
        return anyTimeout ? ExitStatus.TIMEOUT : anyNotOk ? ExitStatus.NOT_OK : ExitStatus.OK;
    }

    /** Whether {@code line} is one of the shell's own commands (quit, exit, help, ?), which are never sent. */
    static boolean isShellCommand(String line) {
        String command = line.strip();
        return isQuit(command) || isHelp(command);
    }

    private static boolean isQuit(String command) {
        return command.equalsIgnoreCase("quit") || command.equalsIgnoreCase("exit");
    }

    private static boolean isHelp(String command) {
        return command.equalsIgnoreCase("help") || command.equals("?");
    }

    /**
     * Why {@code line}, a command of a shutdown SAP ({@code SHUTDOWN}, {@code STATUS}, {@code PROMOTE},
     * {@code SWITCHOVER}), is not sent: the client port would answer it {@code not_implemented}, but the client may be
     * pointed at a shutdown SAP by mistake, where it would stop the service. Empty for any other line.
     */
    static Optional<String> shutdownPortCommand(String line) {
        return ShutdownPortCommand.parse(line).map(command -> "'" + line.strip() + "' is a command of a shutdown SAP,"
                + " not a request of the space, so it is not sent; ./tuplespace "
                + command.name().toLowerCase(Locale.ROOT) + " SHUTDOWN_SAP runs it");
    }

    /**
     * Sends one request and prints its answer; a non-null result ends the session with that status. A line not sent
     * since the connection had closed goes once more, on a new connection.
     */
    private ExitStatus send(String line) {
        for (boolean reconnected = false; ; reconnected = true) {
            try {
                sendAndPrint(line);
                return null;
            } catch (RefusedException | ConnectionLostException e) {
                if (e.wasSent() || reconnected) {
                    stoppedUnsent = !e.wasSent(); // refused on the new connection too, say
                    boolean refused = e instanceof RefusedException;
                    err.println((refused ? "refused: " : "connection lost: ") + asTyped(e.getMessage()));
                    return refused ? ExitStatus.REFUSED : ExitStatus.CANNOT_CONNECT;
                }
                // why the connection closed (a not-sent failure's cause), not the line as the library sent it
                err.println("tuplespace client: " + Objects.requireNonNullElse(e.getCause(), e).getMessage()
                        + "; connecting again");
                err.flush();
                client.close();
                try {
                    client = connector.connect();
                } catch (ConnectFailedException | RefusedException failed) {
                    stoppedUnsent = true;
                    return ClientCommand.connectFailed(failed, err);
                }
            } catch (RequestTimeoutException e) {
                // Ctrl-C at a terminal interrupts the wait (awaitAnswer): the answer, when it comes, is dropped
                boolean interrupted = e.getCause() instanceof InterruptedException;
                err.println((interrupted ? "interrupted: " : "timeout: ") + asTyped(e.getMessage()));
                anyTimeout = true;
                return null;
            } finally {
                out.flush();
                err.flush();
            }
        }
    }

    /**
     * {@code message} about the line just sent, quoting it as the user typed it rather than as its JSON form went
     * (the library's messages quote what it sent).
     */
    private String asTyped(String message) {
        return sentLine.equals(typedLine) ? message
                : message.replace("'" + sentLine.strip() + "'", "'" + typedLine.strip() + "'");
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Sends {@code line} and prints its answer, to a pager if the line ends in {@code | command}: started once the
     * answer is in, so that a line that goes again on a new connection runs its command once.
     */
    private void sendAndPrint(String line) {
        Optional<Pager.PipedLine> piped = Pager.split(line);
        if (piped.isEmpty()) {
            show(sendLine(line), out);
            return;
        }
        Answered answered = sendLine(piped.get().request());
        // the pager has the terminal: a Ctrl-C is its own (less survives it), not one that ends this client
        try (RequestLines.CtrlC pagersOwn = lines.onCtrlC(() -> { });
             Pager pager = Pager.start(piped.get().command())) {
            show(answered, pager.writer());
        } catch (IOException e) {
            err.println("cannot run '" + piped.get().command() + "': " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sends {@code sent} and waits for its answer; meanwhile Ctrl-C at a terminal interrupts the wait (the library then
     * fails it with a RequestTimeoutException caused by the interruption), and only the wait: a Ctrl-C that comes once
     * the answer is in is for nothing, and would otherwise cut the next wait short.
     */
    private LineAnswer awaitAnswer(String sent) {
        Thread waiting = Thread.currentThread();
        try (RequestLines.CtrlC interrupts = lines.onCtrlC(waiting::interrupt)) {
            return client.sendLine(sent);
        } finally {
            Thread.interrupted();
        }
    }

    /** Closes the connection in use. */
    @Override
    public void close() {
        client.close();
    }

    /** A line's answer, and the request the line was when it parsed (null: sent as typed, shown as it came). */
    private record Answered(LineAnswer answer, ParsedRequest.Valid request) {
    }

    /** Sends {@code line} (as typed, or re-encoded as JSON to be shown readably) and waits for its answer. */
    private Answered sendLine(String line) {
        ParsedRequest request = raw ? null : Requests.parse(line);
        ParsedRequest.Valid valid = request instanceof ParsedRequest.Valid v ? v : null;
        String sent = valid != null && valid.format() == tuplespace.codec.Format.TEXT
                ? ClientRequests.encode(valid, nextId++) : line;
        if (sent.length() > line.length() && utf8Length(sent) > ProxyConfig.DEFAULT_MAX_LINE_BYTES) {
            sent = line; // its JSON form is longer than a proxy takes by default: as typed, answered in text
        }
        typedLine = line;
        sentLine = sent;
        LineAnswer answer = awaitAnswer(sent);
        anyNotOk |= !answer.isOk();
        return new Answered(answer, valid);
    }

    /** Prints {@code answered}: exactly as it came in raw mode, else readably. */
    private void show(Answered answered, PrintWriter to) {
        LineAnswer answer = answered.answer();
        ParsedRequest.Valid valid = answered.request();
        if (raw) {
            to.print(answer.text());
            return;
        }
        if (!answer.text().startsWith("{")) {
            to.print(AnswerPrinter.readableText(answer.text()));
            return;
        }
        try {
            AnswerPrinter.print(answer.text(), valid == null ? null : operatorOf(valid.command()),
                    valid == null ? 0 : valid.given().size(), to);
        } catch (MalformedAnswerException e) {
            to.print(answer.text()); // not an answer we can read: show it as it came
        }
    }

    static Operator operatorOf(Command command) {
        if (command instanceof Command.Get) {
            return Operator.GET;
        }
        if (command instanceof Command.Put) {
            return Operator.PUT;
        }
        if (command instanceof Command.Post) {
            return Operator.POST;
        }
        return Operator.DELETE;
    }
}
