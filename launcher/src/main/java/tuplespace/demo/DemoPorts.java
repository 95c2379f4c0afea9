package tuplespace.demo;

import java.util.LinkedHashMap;
import java.util.Map;
import tuplespace.codec.Sap;

/**
 * The six loopback ports of a demo service, consecutive from {@code basePort} so one option moves them all.
 *
 * @param host the address every process binds and connects to
 * @param basePort the proxy's client port; the five after it follow in the order of the accessors
 */
public record DemoPorts(String host, int basePort) {

    public static final int DEFAULT_BASE_PORT = 7700;
    public static final int COUNT = 6;

    public DemoPorts {
        if (basePort < 1 || basePort > 65_536 - COUNT) {
            throw new IllegalArgumentException("expected a base port in 1.." + (65_536 - COUNT) + ", found " + basePort);
        }
    }

    public int clientPort() {
        return basePort;
    }

    public int proxyPrimaryPort() {
        return basePort + 1;
    }

    public int proxyShutdownPort() {
        return basePort + 2;
    }

    public int serverShutdownPort() {
        return basePort + 3;
    }

    public int backupPort() {
        return basePort + 4;
    }

    public int heartbeatPort() {
        return basePort + 5;
    }

    /** {@code host:port} as the command line writes it. */
    public String sap(int port) {
        return endpoint(port).toString();
    }

    public Sap endpoint(int port) {
        return new Sap(host, port);
    }

    /** Every port with what it is for, in order: what the port-taken message names. */
    public Map<Integer, String> purposes() {
        Map<Integer, String> purposes = new LinkedHashMap<>();
        purposes.put(clientPort(), "the proxy's client port");
        purposes.put(proxyPrimaryPort(), "the proxy's port for the primary");
        purposes.put(proxyShutdownPort(), "the proxy's shutdown port");
        purposes.put(serverShutdownPort(), "the primary's shutdown port");
        purposes.put(backupPort(), "the backup's replication port");
        purposes.put(heartbeatPort(), "the primary's heartbeat port");
        return purposes;
    }
}
