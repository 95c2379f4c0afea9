package tuplespace.client.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import tuplespace.codec.Answers;
import tuplespace.codec.ParsedRequest;
import tuplespace.codec.Requests;
import tuplespace.pattern.MatchBudget;
import tuplespace.space.TupleSpace;

/**
 * A stand-in for the proxy on loopback, plain sockets: each connection reads request lines and writes what the
 * responder makes of them. The default responder is a real {@link TupleSpace} behind the real codec, so the
 * client library sees true answers without a node or proxy. Threads: one acceptor, one per connection.
 */
public final class FakeLineServer implements AutoCloseable {

    /** Turns one request line into its answer text; {@code null} means "never answer this one". */
    public interface Responder {
        String answer(String line);
    }

    private final ServerSocket listener;
    private final Responder responder;
    private final String greeting;
    private final int holdUntil;
    private final boolean closeAfterFirstRequest;
    /** Sent with the first answer of each connection, in the same write, which then closes; null: none. */
    private final String farewell;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private FakeLineServer(Responder responder, String greeting, int holdUntil, boolean closeAfterFirstRequest,
                           String farewell) throws IOException {
        this.responder = responder;
        this.greeting = greeting;
        this.holdUntil = holdUntil;
        this.closeAfterFirstRequest = closeAfterFirstRequest;
        this.farewell = farewell;
        this.listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(this::acceptLoop, "fake-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Answers like the service would, from one in-memory space shared by all connections. */
    public static FakeLineServer withSpace() throws IOException {
        return new FakeLineServer(spaceResponder(new TupleSpace()), null, 0, false, null);
    }

    public static FakeLineServer answering(Responder responder) throws IOException {
        return new FakeLineServer(responder, null, 0, false, null);
    }

    /** Sends {@code greeting} on accept and closes, like a proxy refusing a client over --max-clients. */
    public static FakeLineServer greetingAndClosing(String greeting) throws IOException {
        return new FakeLineServer(line -> null, greeting, 0, false, null);
    }

    /** Answers nothing until {@code count} requests arrived on the connection, then all of them in order. */
    public static FakeLineServer holdingAnswersUntil(int count) throws IOException {
        return new FakeLineServer(spaceResponder(new TupleSpace()), null, count, false, null);
    }

    /** Reads one request and closes the connection without answering. */
    public static FakeLineServer closingAfterFirstRequest() throws IOException {
        return new FakeLineServer(line -> null, null, 0, true, null);
    }

    /**
     * Answers the first request of each connection from one in-memory space and, in the same write, sends
     * {@code farewell} (a refusal, as the proxy's --client-idle-timeout sends one), then closes the connection.
     */
    public static FakeLineServer answeringOnceThenSaying(String farewell) throws IOException {
        return new FakeLineServer(spaceResponder(new TupleSpace()), null, 0, false, farewell);
    }

    public static Responder spaceResponder(TupleSpace space) {
        return line -> {
            ParsedRequest request = Requests.parse(line);
            if (request instanceof ParsedRequest.Invalid invalid) {
                return Answers.error(invalid);
            }
            ParsedRequest.Valid valid = (ParsedRequest.Valid) request;
            synchronized (space) {
                return Answers.format(valid, space.apply(valid.command(), MatchBudget.unlimited()).result());
            }
        };
    }

    public int port() {
        return listener.getLocalPort();
    }

    public String sap() {
        return "127.0.0.1:" + port();
    }

    /** Every request line received so far, over all connections. */
    public List<String> received() {
        return List.copyOf(received);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                sockets.add(socket);
                Thread connection = new Thread(() -> serve(socket), "fake-server-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            OutputStream out = socket.getOutputStream();
            if (greeting != null) {
                write(out, greeting);
                return;
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            List<String> held = new ArrayList<>();
            int count = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                received.add(line);
                count++;
                if (closeAfterFirstRequest) {
                    return;
                }
                String answer = responder.answer(line);
                if (answer == null) {
                    continue;
                }
                if (farewell != null) {
                    write(out, answer + farewell); // one write: the client reads both at once
                    return;
                }
                held.add(answer);
                if (count >= holdUntil) {
                    for (String each : held) {
                        write(out, each);
                    }
                    held.clear();
                }
            }
        } catch (IOException e) {
            // The client went away: nothing to answer.
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    /** A responder that uses {@code special} for lines it returns non-null for, and the space for the rest. */
    public static Responder withSpaceExcept(Function<String, String> special) {
        Responder space = spaceResponder(new TupleSpace());
        return line -> {
            String answer = special.apply(line);
            return answer != null ? answer : space.answer(line);
        };
    }
}
