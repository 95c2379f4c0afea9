package tuplespace.it;

import java.net.InetSocketAddress;

/** A loopback service access point {@code host:port} as README "Running it" writes it. */
record Sap(String host, int port) {

    Sap {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must be non-blank, got " + host);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
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
