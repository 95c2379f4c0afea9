package tuplespace.it;

import static tuplespace.testing.Eventually.eventually;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import tuplespace.node.ServerCommand;
import tuplespace.node.ServerNode;
import tuplespace.proxy.ProxyCommand;
import tuplespace.proxy.ProxyServer;
import tuplespace.testing.SimulatedNetwork;

/**
 * A whole service in this JVM on a {@link SimulatedNetwork}: the proxy and the clients on host {@link #PROXY}, servers
 * on hosts {@link #A} and {@link #B}, each started from its real command line (the multi-host form: its own SAPs,
 * {@code --peer-backup-sap}, {@code --backup-start none}, the primary's {@code host:port} as a backup's handle). The
 * test plays the operator who starts a backup on the other host; failure detection runs on short bounds
 * ({@link #DETECTION}), so a failover takes milliseconds. Nothing here fences by pid: every server shares this JVM's.
 */
final class SimulatedService implements AutoCloseable {

    static final String PROXY = "10.77.0.1";
    static final String A = "10.77.0.2";
    static final String B = "10.77.0.3";
    static final Duration INTERVAL = Duration.ofMillis(100);
    static final int MISSES = 5;
    /** How long a silent primary or backup goes unnoticed, by the proxy and by its peer. */
    static final Duration DETECTION = INTERVAL.multipliedBy(MISSES);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static final int CLIENT_PORT = 7000;
    private static final int PRIMARY_PORT = 7001;
    private static final int PROXY_SHUTDOWN_PORT = 7002;
    private static final int SHUTDOWN_PORT = 7100;
    private static final int BACKUP_PORT = 7101;
    private static final int HEARTBEAT_PORT = 7102;

    final SimulatedNetwork network = new SimulatedNetwork();
    private final Path directory;
    private final EventLoopGroup clientLoops = network.host(PROXY).newLoopGroup(2, "clients");
    private final List<ProxyServer> proxies = new ArrayList<>();
    private final Map<String, Server> servers = new ConcurrentHashMap<>();

    /** One server started on a host: the node, and its exit status once it has stopped by itself. */
    record Server(String host, ServerNode node, CompletableFuture<Integer> exited) {
        boolean running() {
            return !exited.isDone();
        }
    }

    SimulatedService(Path directory) {
        this.directory = directory;
    }

    SimulatedService startProxy() throws IOException {
        proxies.add(ProxyServer.start(ProxyCommand.config(sap(PROXY, CLIENT_PORT), sap(PROXY, PRIMARY_PORT),
                sap(PROXY, PROXY_SHUTDOWN_PORT), "--ping-interval", millis(INTERVAL),
                "--ping-misses", Integer.toString(MISSES)), network.host(PROXY)));
        return this;
    }

    /** Starts a primary on {@code host}; its peer is the other server host. */
    SimulatedService startPrimary(String host) {
        return startServer(host, "null", other(host));
    }

    /** Starts, on {@code host}, the backup of the primary on the other server host. */
    SimulatedService startBackup(String host) {
        return startServer(host, sap(other(host), SHUTDOWN_PORT), other(host));
    }

    private SimulatedService startServer(String host, String primaryHandle, String peer) {
        String[] args = {sap(host, SHUTDOWN_PORT), sap(PROXY, PRIMARY_PORT), sap(host, BACKUP_PORT),
                sap(host, HEARTBEAT_PORT), directory.resolve("space-" + host + ".json").toString(), primaryHandle, "null",
                "--peer-backup-sap", sap(peer, BACKUP_PORT), "--backup-start", "none",
                "--heartbeat-interval", millis(INTERVAL), "--heartbeat-misses", Integer.toString(MISSES)};
        ServerNode node;
        try {
            node = ServerNode.start(ServerCommand.config(args), network.host(host));
        } catch (ServerNode.StartRefused e) {
            throw new IllegalStateException("server on " + host + " refused to start: " + e.getMessage(), e);
        }
        CompletableFuture<Integer> exited = new CompletableFuture<>();
        Thread waiter = new Thread(() -> exited.complete(node.awaitExit()), "await-server@" + host);
        waiter.setDaemon(true);
        waiter.start();
        servers.put(host, new Server(host, node, exited));
        return this;
    }

    /** The server started last on {@code host}. */
    Server server(String host) {
        Server server = servers.get(host);
        if (server == null) {
            throw new IllegalArgumentException("no server was started on " + host);
        }
        return server;
    }

    static String other(String serverHost) {
        return serverHost.equals(A) ? B : A;
    }

    /** A client connection from the proxy's host (where every client of these tests runs). */
    JsonConnection connect() {
        return SimulatedLineClient.connect(network.host(PROXY), clientLoops, address(PROXY, CLIENT_PORT),
                REQUEST_TIMEOUT);
    }

    /** The proxy's STATUS. */
    ServiceStatus status() {
        return new ServiceStatus(LineClient.parse(adminCommand("STATUS")));
    }

    /** {@code SWITCHOVER} on the proxy once the replica follows there (it does after it is live); the answer line. */
    String switchover() {
        eventually(WAIT, this::status, status -> {
            if (!status.replicaFollows()) {
                throw new AssertionError("the replica does not follow at the proxy yet: " + status);
            }
        });
        return adminCommand("SWITCHOVER");
    }

    /** A line command on the proxy's SHUTDOWN_SAP, as an operator on the proxy's host sends it; returns the answer. */
    String adminCommand(String command) {
        try (SimulatedLineClient admin = SimulatedLineClient.connect(network.host(PROXY), clientLoops,
                address(PROXY, PROXY_SHUTDOWN_PORT), Duration.ofSeconds(20))) {
            return admin.sendLine(command).join();
        }
    }

    /** Waits until a primary of {@code epoch} is registered and its backup holds an equal copy. */
    ServiceStatus awaitInSync(long epoch) {
        return eventually(WAIT, this::status, status -> {
            if (!status.backupInSync() || status.epoch() != epoch) {
                throw new AssertionError("no primary of epoch " + epoch + " with a backup in sync yet: " + status);
            }
        });
    }

    /** Waits until a primary of {@code epoch} is registered. */
    ServiceStatus awaitPrimary(long epoch) {
        return eventually(WAIT, this::status, status -> {
            if (!status.hasPrimary() || status.epoch() != epoch) {
                throw new AssertionError("no primary of epoch " + epoch + " registered yet: " + status);
            }
        });
    }

    /** Waits until a primary of {@code epoch} is registered and its backup is live (under load). */
    ServiceStatus awaitBackupLive(long epoch) {
        return eventually(WAIT, this::status, status -> {
            if (!status.hasPrimary() || status.epoch() != epoch || !"live".equals(status.backupState())) {
                throw new AssertionError("no primary of epoch " + epoch + " with a live backup yet: " + status);
            }
        });
    }

    /** Waits until the server on {@code host} has stopped by itself; returns its exit status. */
    int awaitStopped(String host) {
        return eventually(WAIT, () -> server(host).exited().getNow(null), status -> {
            if (status == null) {
                throw new AssertionError("the server on " + host + " is still running");
            }
        });
    }

    private static String sap(String host, int port) {
        return host + ":" + port;
    }

    private static InetSocketAddress address(String host, int port) {
        return new InetSocketAddress(host, port);
    }

    private static String millis(Duration duration) {
        return duration.toMillis() + "ms";
    }

    @Override
    public void close() {
        proxies.forEach(ProxyServer::stop);
        network.close();
        clientLoops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }
}
