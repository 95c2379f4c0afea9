package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
import tuplespace.testing.Launcher;
import tuplespace.testing.ServiceProcess;
import tuplespace.codec.Sap;
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
        int[] ports = ServiceProcess.freePorts(6);
        String client = "127.0.0.1:" + ports[0];
        String proxyShutdown = "127.0.0.1:" + ports[2];
        Path saveFile = folder.resolve("space.json");
        try (ServiceProcess proxy = ServiceProcess.start("tuplespace.proxy.ProxyMain",
                     // a long primary timeout: a (false) failover on a busy machine delays answers, never fails them
                     List.of(client, "127.0.0.1:" + ports[1], proxyShutdown, "--primary-timeout", "90s"),
                     folder.resolve("proxy.log"));
             ServiceProcess primary = ServiceProcess.start("tuplespace.node.ServerMain",
                     List.of("127.0.0.1:" + ports[3], "127.0.0.1:" + ports[1], "127.0.0.1:" + ports[4],
                             "127.0.0.1:" + ports[5], saveFile.toString(), "null", "null",
                             // tolerant failure detection: this test is about the client, on a busy machine
                             "--heartbeat-interval", "100ms", "--heartbeat-misses", "30"), folder.resolve("primary.log"))) {
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

            Launcher.Result shutdown = Launcher.run(List.of("shutdown", proxyShutdown));
            assertThat(shutdown.exitCode()).as(shutdown.err()).isZero();
            assertThat(shutdown.out()).startsWith("ok");
            assertThat(primary.awaitExit(Duration.ofSeconds(30))).as(primary.output()).isTrue();
            assertThat(primary.process().exitValue()).isZero();
            assertThat(proxy.awaitExit(Duration.ofSeconds(30))).as(proxy.output()).isTrue();
            assertThat(Files.readString(saveFile)).contains("\"bob\"").contains("\"v199\"").doesNotContain("alice");
        }
    }

    private static void awaitPrimaryRegistered(String proxyShutdown, ServiceProcess primary) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                String status = new LineCommandClient(Sap.parse(proxyShutdown), Duration.ofSeconds(2)).send("STATUS");
                if (!status.contains("\"primary\":null")) {
                    return;
                }
            } catch (IOException notYet) {
                // the proxy is still starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no primary registered within 120 s:\n" + primary.output());
    }
}
