package tuplespace.it;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import tuplespace.testing.Host;

/**
 * Separate "hosts" on this machine, each a Linux network namespace with one address of its own, linked pairwise so
 * that any one link can be cut <em>silently</em>: packets vanish, as in a real partition, with no error at either end
 * (bringing a link down would not do: the sender would get "network unreachable" at once).
 *
 * <p>Topology (docs/internals.md "Testing partitions"): host {@code i} has {@code 10.252.S.i/32} on its {@code lo}
 * (S random per instance, so concurrent runs do not meet); one veth pair per pair of hosts, without addresses, with a
 * host route to the peer's address through it; and a "sink" veth per host whose other end stays down. Cutting a⇄b
 * points each side's route to the other at its sink, with a permanent neighbour entry so that no ARP failure is
 * reported either: a connect then times out and established connections go silent. The test JVM reaches the first
 * host through one more veth (never cut), with the address {@code 10.252.S.100}: that host is where the clients are.
 *
 * <p>Needs root and {@code ip}; otherwise the test is skipped with the reason. {@link #close} deletes every namespace
 * and the test JVM's veth, also when the test failed.
 */
final class NetnsHosts implements AutoCloseable {

    private static final int CLIENT_SIDE = 100;

    private final String run;
    private final int subnet;
    private final Map<String, Integer> indexes = new LinkedHashMap<>();
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final List<String> namespaces = new ArrayList<>();
    private String rootVeth;

    private final Thread cleanUpAtExit = new Thread(this::closeQuietly, "netns-clean-up");

    private NetnsHosts(int subnet) {
        this.subnet = subnet;
        this.run = Integer.toString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000), 16);
    }

    /**
     * A subnet 10.252.S.0/24 that no address or route of this machine uses yet (another test run's, say), S from this
     * test JVM's share ({@link Host#share}): one beside it checks and takes its own subnets at the same time.
     */
    private static int freeSubnet() throws IOException, InterruptedException {
        int[] share = Host.share(1, 250);
        for (int tries = 0; tries < 20; tries++) {
            int subnet = ThreadLocalRandom.current().nextInt(share[0], share[1]);
            String prefix = "10.252." + subnet + ".";
            if (!SystemCommand.output(List.of("ip", "addr")).contains(prefix)
                    && !SystemCommand.output(List.of("ip", "route")).contains(prefix)) {
                return subnet;
            }
        }
        throw new IOException("no free subnet 10.252.S.0/24 found for the test hosts");
    }


    /**
     * Hosts named {@code names}, all linked pairwise; the test JVM reaches the first one. Skips the test when
     * namespaces cannot be made here.
     */
    static NetnsHosts createOrSkip(String... names) throws IOException, InterruptedException {
        String failure = SystemCommand.run(List.of("ip", "netns", "list"));
        Assumptions.assumeTrue(failure == null && "root".equals(System.getProperty("user.name")),
                () -> "skipped: separate hosts need root and ip netns (" + (failure == null ? "not root" : failure) + ")");
        NetnsHosts made = new NetnsHosts(freeSubnet());
        // a test JVM killed before close() would leave the namespaces and its veth behind
        Runtime.getRuntime().addShutdownHook(made.cleanUpAtExit);
        try {
            for (String name : names) {
                made.addHost(name);
            }
            List<String> all = List.of(names);
            for (int i = 0; i < all.size(); i++) {
                for (int j = i + 1; j < all.size(); j++) {
                    made.link(all.get(i), all.get(j));
                }
            }
            made.linkTestJvm(names[0]);
        } catch (IOException | InterruptedException | RuntimeException e) {
            made.close();
            throw e;
        }
        return made;
    }

    Host host(String name) {
        Host host = hosts.get(name);
        if (host == null) {
            throw new IllegalArgumentException("no host " + name + " among " + hosts.keySet());
        }
        return host;
    }

    /** Cuts a⇄b silently, both ways: from now on packets between them vanish. */
    void cut(String a, String b) throws IOException, InterruptedException {
        sink(a, b);
        sink(b, a);
    }

    /** Undoes {@link #cut}: packets flow again; connections that were silent resume if neither side gave up. */
    void heal(String a, String b) throws IOException, InterruptedException {
        route(a, b);
        route(b, a);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            Runtime.getRuntime().removeShutdownHook(cleanUpAtExit);
        } catch (IllegalStateException exiting) {
            // the JVM is exiting: this is the hook running
        }
        deleteAll();
    }

    private void closeQuietly() {
        try {
            deleteAll();
        } catch (IOException | InterruptedException e) {
            System.err.println("could not delete the test hosts " + namespaces + ": " + e);
        }
    }

    private void deleteAll() throws IOException, InterruptedException {
        for (String namespace : namespaces) {
            SystemCommand.run(List.of("ip", "netns", "del", namespace)); // its veths go with it, the test JVM's peer end too
        }
        namespaces.clear();
        if (rootVeth != null) {
            SystemCommand.run(List.of("ip", "link", "del", rootVeth)); // normally gone already with its peer
            rootVeth = null;
        }
    }

    private void addHost(String name) throws IOException, InterruptedException {
        int index = indexes.size() + 1;
        String namespace = "ts" + run + "-" + index;
        must("ip", "netns", "add", namespace);
        namespaces.add(namespace);
        indexes.put(name, index);
        must("ip", "-n", namespace, "link", "set", "lo", "up");
        must("ip", "-n", namespace, "addr", "add", address(index) + "/32", "dev", "lo");
        // the sink: a veth whose peer end stays down (UP but NO-CARRIER); routes pointed at it lose their packets
        String sink = "s" + run + index;
        must("ip", "-n", namespace, "link", "add", sink, "type", "veth", "peer", "name", "z" + run + index);
        must("ip", "-n", namespace, "link", "set", sink, "up");
        hosts.put(name, new Host(name, address(index), List.of("ip", "netns", "exec", namespace),
                new AtomicInteger(7001)));
    }

    private void link(String a, String b) throws IOException, InterruptedException {
        int i = indexes.get(a);
        int j = indexes.get(b);
        String side = veth(i, j);
        String other = veth(j, i);
        must("ip", "link", "add", side, "netns", namespace(i), "type", "veth", "peer", "name", other, "netns",
                namespace(j));
        must("ip", "-n", namespace(i), "link", "set", side, "up");
        must("ip", "-n", namespace(j), "link", "set", other, "up");
        route(a, b);
        route(b, a);
    }

    /** The test JVM (this machine's own namespace) reaches host {@code name}, and only it, at its address. */
    private void linkTestJvm(String name) throws IOException, InterruptedException {
        int i = indexes.get(name);
        String veth = "r" + run;
        String peer = "R" + run;
        String own = address(CLIENT_SIDE);
        must("ip", "link", "add", veth, "type", "veth", "peer", "name", peer, "netns", namespace(i));
        rootVeth = veth; // only now is it ours to delete
        must("ip", "addr", "add", own + "/32", "dev", rootVeth);
        must("ip", "link", "set", rootVeth, "up");
        must("ip", "-n", namespace(i), "link", "set", peer, "up");
        must("ip", "route", "add", address(i) + "/32", "dev", rootVeth, "src", own);
        must("ip", "-n", namespace(i), "route", "add", own + "/32", "dev", peer, "src", address(i));
    }

    /** In host a, the route to b through their veth. */
    private void route(String a, String b) throws IOException, InterruptedException {
        int i = indexes.get(a);
        int j = indexes.get(b);
        must("ip", "-n", namespace(i), "route", "replace", address(j) + "/32", "dev", veth(i, j), "src", address(i));
        SystemCommand.run(List.of("ip", "-n", namespace(i), "neigh", "del", address(j), "dev", "s" + run + i));
    }

    /** In host a, the route to b into a's sink, with a neighbour entry that never fails. */
    private void sink(String a, String b) throws IOException, InterruptedException {
        int i = indexes.get(a);
        int j = indexes.get(b);
        must("ip", "-n", namespace(i), "route", "replace", address(j) + "/32", "dev", "s" + run + i, "src", address(i));
        must("ip", "-n", namespace(i), "neigh", "replace", address(j), "lladdr", String.format("02:00:00:00:00:%02x", j),
                "dev", "s" + run + i, "nud", "permanent");
    }

    private String namespace(int index) {
        return "ts" + run + "-" + index;
    }

    private String veth(int from, int to) {
        return "v" + run + from + "x" + to;
    }

    private String address(int index) {
        return "10.252." + subnet + "." + index;
    }

    private static void must(String... command) throws IOException, InterruptedException {
        SystemCommand.must("setting up the test hosts", List.of(command));
    }
}
