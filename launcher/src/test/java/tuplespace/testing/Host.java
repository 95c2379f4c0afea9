package tuplespace.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
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

    public static Host loopback() {
        return new Host("loopback", "127.0.0.1", List.of(), null);
    }

    /** A port on this host: a free loopback port, or the next port of a namespace. */
    public int port() {
        return nextPort == null ? freeLoopbackPorts(1)[0] : nextPort.getAndIncrement();
    }

    /** {@code count} distinct loopback ports that were free a moment ago (bound to port 0 together, then released). */
    public static int[] freeLoopbackPorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket();
                sockets.add(socket);
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                ports[i] = socket.getLocalPort();
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
