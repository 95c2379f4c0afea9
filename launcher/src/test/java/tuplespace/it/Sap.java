package tuplespace.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** A loopback service access point {@code host:port} as SPEC §3 writes it. */
record Sap(String host, int port) {

    Sap {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must be non-blank, got " + host);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
    }

    /** A loopback port that was free a moment ago (bound to port 0, then released). */
    static Sap freeLoopback() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return new Sap("127.0.0.1", socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        }
    }

    InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
