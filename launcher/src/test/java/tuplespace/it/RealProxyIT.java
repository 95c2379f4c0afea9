package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tuplespace.client.Answer;
import tuplespace.client.ClientOptions;
import tuplespace.client.RefusedException;
import tuplespace.client.TupleSpaceClient;
import tuplespace.client.UnavailableException;
import tuplespace.testing.Host;
import tuplespace.testing.ManagedProcess;
import tuplespace.tuple.Pair;

/**
 * The library and CLI against a real proxy process with no primary registered: what a client sees when the proxy
 * is full (refused) or has no primary for longer than --primary-timeout (unavailable).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RealProxyIT {

    private static final Duration START = Duration.ofSeconds(30);

    @TempDir
    Path folder;

    private ManagedProcess startProxy(int[] ports, String... options) {
        List<String> arguments = new java.util.ArrayList<>(List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1],
                "127.0.0.1:" + ports[2]));
        arguments.addAll(List.of(options));
        ManagedProcess proxy = ManagedProcess.java("tuplespace.proxy.ProxyMain").args(arguments).start("proxy", folder);
        // Probe the shutdown port: a probe of the client port would count as a client (see --max-clients).
        proxy.awaitListening(ports[2], START);
        return proxy;
    }

    @Test
    void withoutAPrimaryARequestIsAnsweredUnavailableAfterThePrimaryTimeout() throws Exception {
        int[] ports = Host.freeLoopbackPorts(3);
        try (ManagedProcess proxy = startProxy(ports, "--primary-timeout", "300ms");
             TupleSpaceClient space = TupleSpaceClient.connect("127.0.0.1", ports[0], ClientOptions.defaults())) {
            assertThatThrownBy(() -> space.put(List.of(Pair.of("a", "1")))).isInstanceOf(UnavailableException.class);
            // unavailable answers one request; the connection stays open for the next.
            CompletableFuture<Answer> next = space.getAsync(".*", ".*");
            assertThatThrownBy(next::join).hasCauseInstanceOf(UnavailableException.class);
            assertThat(space.isOpen()).isTrue();
        }
    }

    @Test
    void aClientOverMaxClientsIsRefused() throws Exception {
        int[] ports = Host.freeLoopbackPorts(3);
        try (ManagedProcess proxy = startProxy(ports, "--max-clients", "1", "--primary-timeout", "300ms");
             TupleSpaceClient first = TupleSpaceClient.connect("127.0.0.1", ports[0], ClientOptions.defaults())) {
            // The first client holds the only place (its request proves it is being served).
            assertThatThrownBy(() -> first.get(".*", ".*")).isInstanceOf(UnavailableException.class);
            try (TupleSpaceClient second = TupleSpaceClient.connect("127.0.0.1", ports[0], ClientOptions.defaults())) {
                assertThatThrownBy(() -> second.get(".*", ".*"))
                        .isInstanceOf(RefusedException.class).hasMessageContaining("refused");
            }
            ManagedProcess.Result cli = ManagedProcess.runCli(List.of("client", "127.0.0.1:" + ports[0], "GET .* .*"));
            assertThat(cli.exitCode()).isEqualTo(4);
        }
    }

    @Test
    void statusPrintsTheProxysJsonLine() throws Exception {
        int[] ports = Host.freeLoopbackPorts(3);
        try (ManagedProcess proxy = startProxy(ports)) {
            ManagedProcess.Result status = ManagedProcess.runCli(List.of("status", "127.0.0.1:" + ports[2]));
            assertThat(status.exitCode()).as(status.err()).isZero();
            assertThat(status.out()).startsWith("{\"proxy\":{").contains("\"primary\":null").endsWith("}\n");
            assertThat(status.out().strip()).doesNotContain("\n");

            ManagedProcess.Result pretty =
                    ManagedProcess.runCli(List.of("status", "--pretty", "127.0.0.1:" + ports[2]));
            assertThat(pretty.out()).contains("\"proxy\" : {\n");
        }
    }
}
