package tuplespace.it;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a process of a test service runs: this machine's loopback (the default), or one "host" of
 * {@link NetnsHosts}, a network namespace with an address of its own. A process is started with {@link #prefix}
 * before its command ({@code ip netns exec NAME}: it keeps its pid, the namespaces share one pid space).
 *
 * @param name what logs and messages call it
 * @param address the one address the host's processes bind and its peers reach
 * @param prefix the command that runs what follows inside the host (empty on loopback)
 */
record Host(String name, String address, List<String> prefix, AtomicInteger nextPort) {

    Host {
        prefix = List.copyOf(prefix);
    }

    static Host loopback() {
        return new Host("loopback", "127.0.0.1", List.of(), null);
    }

    /** A SAP on this host: a free loopback port, or the next port of a namespace (all ports are free there). */
    Sap sap() {
        return nextPort == null ? Sap.freeLoopback() : new Sap(address, nextPort.getAndIncrement());
    }
}
