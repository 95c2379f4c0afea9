package tuplespace.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a process of a test service runs: this machine's loopback (the default), or one "host" of
 * {@code tuplespace.it.NetnsHosts}, a network namespace with an address of its own. A process is started with
 * {@link #prefix} before its command ({@code ip netns exec NAME}: it keeps its pid, the namespaces share one pid
 * space).
 *
 * @param name what logs and messages call it
 * @param address the one address the host's processes bind and its peers reach
 * @param prefix the command that runs what follows inside the host (empty on loopback)
 * @param nextPort the next port to hand out inside a namespace (all ports are free there); null on loopback
 */
public record Host(String name, String address, List<String> prefix, AtomicInteger nextPort) {

    public Host {
        prefix = List.copyOf(prefix);
    }

    /** The lowest port {@link #freeLoopbackPorts} hands out. */
    private static final int FIRST_PORT = 10_000;
    /** Read once: the range does not change while the tests run. */
    private static final int EPHEMERAL_RANGE_START = ephemeralRangeStart();
    /**
     * This test JVM's number among those the build runs side by side ("fork 1" and up: the build sets it from
     * surefire's fork number), and how many there are.
     */
    static final String FORK_PROPERTY = "tuplespace.test.fork";
    static final String FORKS_PROPERTY = "tuplespace.test.forks";
    private static final int FORK = number(System.getProperty(FORK_PROPERTY));
    private static final int FORKS = number(System.getProperty(FORKS_PROPERTY));
    /**
     * The ports this JVM picks from, {@code [first, end)}: below the kernel's ephemeral range (or any port from
     * {@link #FIRST_PORT} when there is no room below it), this JVM's {@link #share} of them. Two test classes that run
     * side by side then never pick the same port between one's probe and its process's bind, and no outgoing
     * connection takes a port below that range.
     */
    private static final int[] BAND = share(FIRST_PORT,
            EPHEMERAL_RANGE_START > FIRST_PORT + 1_000 ? EPHEMERAL_RANGE_START : 65_536);

    /** The digits of {@code setting} as a number ("fork 2": 2); 1 when it has none. */
    static int number(String setting) {
        String digits = setting == null ? "" : setting.replaceAll("[^0-9]", "");
        return digits.isEmpty() || digits.length() > 4 ? 1 : Integer.parseInt(digits);
    }

    /** The first port of the kernel's ephemeral range (Linux's default when it cannot be read). */
    private static int ephemeralRangeStart() {
        try {
            // not Files.readString: on JDK 17 it returns only "3" of this /proc/sys file ("32768\t60999\n"), which made
            // every port from 10,000 up a candidate, the ephemeral ones too (ShutdownIT's backup once found its port
            // taken by an outgoing connection, six restarts in a row)
            return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim()
                    .split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    /**
     * This test JVM's share of the numbers {@code [first, end)} (ports, subnets), {@code [first, end)} of its own: of
     * as many equal parts as the build runs test JVMs side by side, the one of its fork number; all of them alone.
     */
    public static int[] share(int first, int end) {
        return share(first, end, FORK, FORKS);
    }

    static int[] share(int first, int end, int fork, int forks) {
        if (forks < 1 || fork < 1 || fork > forks) {
            return new int[] {first, end};
        }
        int width = (end - first) / forks;
        return new int[] {first + (fork - 1) * width, first + fork * width};
    }

    public static Host loopback() {
        return new Host("loopback", "127.0.0.1", List.of(), null);
    }

    /** True for the loopback host, whose free ports other processes share (not a namespace of its own). */
    public boolean onLoopback() {
        return nextPort == null;
    }

    /**
     * The next port of a namespace host. Loopback ports come from {@link #freeLoopbackPorts}, all a service needs in
     * one call: taken one at a time, two could be the same (each is released before the next is looked for).
     */
    public int port() {
        if (nextPort == null) {
            throw new IllegalStateException("expected a namespace host, found loopback: use freeLoopbackPorts(count)");
        }
        return nextPort.getAndIncrement();
    }

    /**
     * {@code count} distinct loopback ports that were free a moment ago (bound together, then released), picked at
     * random in this JVM's band of ports ({@link #BAND}): a port the kernel hands out (bind to port 0) can be taken by
     * any process's outgoing connection before the service binds it, which failed a test's start with "Address already
     * in use"; no outgoing connection takes a port below the ephemeral range, and no other test JVM picks one of this
     * band.
     */
    public static int[] freeLoopbackPorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0, tries = 0; i < count; tries++) {
                if (tries == 1_000) {
                    throw new IOException("no free port from " + BAND[0] + " to " + BAND[1] + " after 1,000 tries");
                }
                ServerSocket socket = new ServerSocket();
                sockets.add(socket);
                socket.setReuseAddress(false);
                int port = ThreadLocalRandom.current().nextInt(BAND[0], BAND[1]);
                try {
                    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                    ports[i++] = port;
                } catch (IOException taken) {
                    // in use: try another
                }
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find " + count + " free loopback ports", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // released or not, the port was free
                }
            }
        }
    }

    /**
     * The first of {@code count} consecutive loopback ports that were free a moment ago, in this JVM's band of ports
     * ({@link #BAND}): for a command that takes a base port and uses the ones after it ({@code demo --base-port}).
     */
    public static int freeLoopbackRun(int count) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(BAND[0], BAND[1] - count);
            if (allFree(base, count)) {
                return base;
            }
        }
        throw new IllegalStateException("found no " + count + " consecutive free ports from " + BAND[0] + " to "
                + BAND[1]);
    }

    /** True when the {@code count} loopback ports from {@code base} are all free now. */
    public static boolean allFree(int base, int count) {
        for (int port = base; port < base + count; port++) {
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(false);
                probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }
}
