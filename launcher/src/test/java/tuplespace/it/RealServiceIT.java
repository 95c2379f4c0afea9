package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.testing.Eventually.eventually;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tuplespace.client.Answer;
import tuplespace.client.ClientOptions;
import tuplespace.client.TupleSpaceClient;
import tuplespace.cli.LineCommandClient;
import tuplespace.codec.Sap;
import tuplespace.testing.Host;
import tuplespace.testing.ManagedProcess;
import tuplespace.tuple.Pair;

/**
 * The library and the CLI against the real service: a proxy and a primary (which starts its backup) as separate
 * JVMs on loopback ports, stopped with the shutdown command, which must save the space.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RealServiceIT {

    @TempDir
    Path folder;

    @Test
    void theFourOperatorsPipeliningAndAShutdownThatSaves() throws Exception {
        int[] ports = Host.freeLoopbackPorts(6);
        String client = "127.0.0.1:" + ports[0];
        String proxyShutdown = "127.0.0.1:" + ports[2];
        Path saveFile = folder.resolve("space.json");
        try (ManagedProcess proxy = ManagedProcess.java("tuplespace.proxy.ProxyMain")
                     // a long primary timeout: a (false) failover on a busy machine delays answers, never fails them
                     .args(List.of(client, "127.0.0.1:" + ports[1], proxyShutdown, "--primary-timeout", "90s"))
                     .start("proxy", folder);
             ManagedProcess primary = ManagedProcess.java("tuplespace.node.ServerMain")
                     .args(List.of("127.0.0.1:" + ports[3], "127.0.0.1:" + ports[1], "127.0.0.1:" + ports[4],
                             "127.0.0.1:" + ports[5], saveFile.toString(), "null", "null",
                             // tolerant failure detection: this test is about the client, on a busy machine
                             "--heartbeat-interval", "100ms", "--heartbeat-misses", "30"))
                     .start("primary", folder)) {
            proxy.awaitListening(ports[2], Duration.ofSeconds(30));
            awaitPrimaryRegistered(proxyShutdown, primary);

            try (TupleSpaceClient space = TupleSpaceClient.connect("127.0.0.1", ports[0],
                    ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(120)))) {
                assertThat(space.put(List.of(Pair.of("user,1", "alice"), Pair.of("user,2", "bob,admin"))).pairs()).isEmpty();
                assertThat(space.put(List.of(Pair.of("user,1", "x"))).pairs()).containsExactly(Pair.of("user,1", "x"));
                assertThat(space.post(List.of(Pair.of("user,2", "bob"), Pair.of("user,9", "y"))).pairs())
                        .containsExactly(Pair.of("user,9", "y"));
                assertThat(space.get("user,.*", ".*").pairs())
                        .containsExactly(Pair.of("user,1", "alice"), Pair.of("user,2", "bob"));
                assertThat(space.delete("user,1", ".*").pairs()).containsExactly(Pair.of("user,1", "alice"));

                // 200 requests in flight on one connection; each answer matches its request.
                List<CompletableFuture<Answer>> puts = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    puts.add(space.putAsync(List.of(Pair.of("n," + i, "v" + i))));
                }
                List<CompletableFuture<Answer>> gets = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    gets.add(space.getAsync("n," + i, ".*"));
                }
                for (int i = 0; i < 200; i++) {
                    assertThat(puts.get(i).get().pairs()).isEmpty();
                    assertThat(gets.get(i).get().pairs()).containsExactly(Pair.of("n," + i, "v" + i));
                }
            }

            ManagedProcess.Result shutdown = ManagedProcess.runCli(List.of("shutdown", proxyShutdown));
            assertThat(shutdown.exitCode()).as(shutdown.err()).isZero();
            assertThat(shutdown.out()).startsWith("ok");
            assertThat(primary.awaitExit(Duration.ofSeconds(30))).as(primary.outputs()).hasValue(0);
            assertThat(proxy.awaitExit(Duration.ofSeconds(30))).as(proxy.outputs()).isPresent();
            assertThat(Files.readString(saveFile)).contains("\"bob\"").contains("\"v199\"").doesNotContain("alice");
        }
    }

    private static void awaitPrimaryRegistered(String proxyShutdown, ManagedProcess primary) {
        eventually(Duration.ofSeconds(120), () -> assertThat(status(proxyShutdown))
                .as(() -> "no primary registered; " + primary.outputs()).doesNotContain("\"primary\":null"));
    }

    private static String status(String proxyShutdown) {
        try {
            return new LineCommandClient(Sap.parse(proxyShutdown), Duration.ofSeconds(2)).send("STATUS");
        } catch (IOException notYet) {
            throw new UncheckedIOException("the proxy is still starting", notYet);
        }
    }
}
