package tuplespace.bench.scale;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * One probe connection to tuplespace as Jedis is one to Redis: a blocking socket, one JSON-mode line written and its
 * answer line read in the calling thread, no other thread on the way. The same requests as the client library's probe
 * would send: an exact GET of a loaded key or a PUT of a fresh key ({@code p,<client>n<count>}), at random, each
 * answer checked. The probe measures how long the service keeps a small request waiting, so both systems are asked
 * through the same kind of client, with no thread hand-offs or garbage of the client's on the way (bench/README.md).
 */
final class RawSmallRequests implements LatencyProbe.Client {

    /** Every key the probe PUTs, and no loaded one. */
    static final String KEYEXP = "p,.*";
    private static final String OK_PAIRS = "{\"status\":\"ok\",\"pairs\":[";
    /** How much of a wrong answer an error message shows. */
    private static final int SHOWN = 200;

    /** As the Redis probe's Jedis: a hung service fails the request instead of holding the probe's thread. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] buffer = new byte[64 * 1024];
    private final StringBuilder line = new StringBuilder();
    private final int index;
    private final ScaleSettings settings;
    private long puts;

    RawSmallRequests(InetSocketAddress sap, int index, ScaleSettings settings) {
        this.index = index;
        this.settings = settings;
        socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(sap, (int) CONNECT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            out = socket.getOutputStream();
            in = socket.getInputStream();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot connect to " + sap + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void sendOne(SplittableRandom random) {
        if (random.nextBoolean()) {
            requireOnePair(exchange("{\"op\":\"GET\",\"key\":\"" + ScaleKeys.keyText(random.nextInt(settings.pairs()))
                    + "\",\"value\":\"" + ScaleKeys.ALL + "\"}\n"));
            return;
        }
        // Fresh keys outside k,...: the full GETs grow a little, the prefix DELETE later is unaffected.
        requireAdded(exchange("{\"op\":\"PUT\",\"pairs\":[[[\"p\",\"" + index + "n" + puts++ + "\"],[\""
                + ScaleKeys.value(random, settings.valueSize()) + "\"]]]}\n"));
    }

    /** Writes {@code request} and returns its answer line, without the newline. */
    private String exchange(String request) {
        try {
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            line.setLength(0);
            while (true) {
                int read = in.read(buffer);
                if (read < 0) {
                    throw new IllegalStateException("expected an answer line, found the connection closed after "
                            + line.length() + " bytes of it");
                }
                for (int i = 0; i < read; i++) {
                    char c = (char) (buffer[i] & 0xff); // the answers checked here are ASCII
                    if (c == '\n') {
                        return line.toString(); // one request at a time: nothing follows its answer
                    }
                    line.append(c);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** An exact GET of a loaded key: {@code ok} and exactly one pair, nothing cut off. */
    static void requireOnePair(String answer) {
        boolean one = answer.startsWith(OK_PAIRS + "[[") && answer.endsWith("]]]}") && !answer.contains("]],[[");
        if (!one) {
            throw new IllegalStateException("expected ok and one pair for an exact GET, found " + shown(answer));
        }
    }

    /** A PUT of a fresh key: {@code ok} and no pair left out (PUT answers the pairs it did not add). */
    static void requireAdded(String answer) {
        if (!answer.equals(OK_PAIRS + "]}")) {
            throw new IllegalStateException("expected ok and an empty list for a PUT of a fresh key, found "
                    + shown(answer));
        }
    }

    private static String shown(String answer) {
        return "'" + (answer.length() <= SHOWN ? answer : answer.substring(0, SHOWN) + "...") + "'";
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do with it
        }
    }
}
