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
     * random below the kernel's ephemeral range: a port the kernel hands out (bind to port 0) can be taken by any
     * process's outgoing connection before the service binds it, which failed a test's start with "Address already in
     * use"; no outgoing connection takes a port below that range.
     */
    public static int[] freeLoopbackPorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            // below the ephemeral range, or any port when there is no room below it
            int below = EPHEMERAL_RANGE_START > FIRST_PORT + 1_000 ? EPHEMERAL_RANGE_START : 65_536;
            for (int i = 0, tries = 0; i < count; tries++) {
                if (tries == 1_000) {
                    throw new IOException("no free port from " + FIRST_PORT + " to " + below + " after 1,000 tries");
                }
                ServerSocket socket = new ServerSocket();
                sockets.add(socket);
                socket.setReuseAddress(false);
                int port = ThreadLocalRandom.current().nextInt(FIRST_PORT, below);
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
}
