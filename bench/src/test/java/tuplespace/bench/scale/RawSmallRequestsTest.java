package tuplespace.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RawSmallRequestsTest {

    @Test
    void eachRequestIsOneJsonLineAndItsAnswerIsReadToTheNewlineEvenInPieces() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (Socket peer = server.accept(); OutputStream out = peer.getOutputStream();
                     BufferedReader in = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        requests.add(line);
                        String answer = line.contains("\"GET\"") ? "{\"status\":\"ok\",\"pairs\":[[[\"k\",\"1\"],[\"v\"]]]}\n"
                                : "{\"status\":\"ok\",\"pairs\":[]}\n";
                        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
                        out.write(bytes, 0, 5); // an answer may come in several reads
                        out.flush();
                        out.write(bytes, 5, bytes.length - 5);
                        out.flush();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (RawSmallRequests client = new RawSmallRequests((InetSocketAddress) server.getLocalSocketAddress(), 3,
                    ScaleSettings.QUICK)) {
                SplittableRandom random = new SplittableRandom(7);
                for (int i = 0; i < 20; i++) {
                    client.sendOne(random);
                }
            }
            served.get();
        }
        assertThat(requests).hasSize(20).allSatisfy(line -> assertThat(line).matches(
                "\\{\"op\":\"GET\",\"key\":\"k,\\d+\",\"value\":\"\\.\\*\"}"
                        + "|\\{\"op\":\"PUT\",\"pairs\":\\[\\[\\[\"p\",\"3n\\d+\"],\\[\"[A-Za-z0-9]{20}\"]]]}"));
        assertThat(requests).anyMatch(line -> line.contains("GET")).anyMatch(line -> line.contains("\"3n0\""));
    }

    @Test
    void anExactGetMustAnswerOkWithExactlyOnePair() {
        assertThatCode(() -> RawSmallRequests.requireOnePair("{\"status\":\"ok\",\"pairs\":[[[\"k\",\"7\"],[\"abc\"]]]}"))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> RawSmallRequests.requireOnePair("{\"status\":\"ok\",\"pairs\":[]}"))
                .hasMessageContaining("expected ok and one pair").hasMessageContaining("\"pairs\":[]");
        assertThatThrownBy(() -> RawSmallRequests.requireOnePair(
                "{\"status\":\"ok\",\"pairs\":[[[\"k\",\"7\"],[\"a\"]],[[\"k\",\"8\"],[\"b\"]]]}"))
                .hasMessageContaining("expected ok and one pair");
        assertThatThrownBy(() -> RawSmallRequests.requireOnePair(
                "{\"status\":\"ok\",\"pairs\":[],\"warning\":\"the request used more than its CPU limit\"}"))
                .hasMessageContaining("warning");
        assertThatThrownBy(() -> RawSmallRequests.requireOnePair("{\"status\":\"unavailable\",\"error\":\"no primary\"}"))
                .hasMessageContaining("unavailable");
    }

    @Test
    void aPutOfAFreshKeyMustAnswerOkWithNoPairLeftOut() {
        assertThatCode(() -> RawSmallRequests.requireAdded("{\"status\":\"ok\",\"pairs\":[]}")).doesNotThrowAnyException();
        assertThatThrownBy(() -> RawSmallRequests.requireAdded("{\"status\":\"ok\",\"pairs\":[[[\"p\",\"1n0\"],[\"x\"]]]}"))
                .hasMessageContaining("expected ok and an empty list");
        assertThatThrownBy(() -> RawSmallRequests.requireAdded("{\"status\":\"malformed\",\"error\":\"" + "x".repeat(500) + "\"}"))
                .hasMessageContaining("malformed").hasMessageEndingWith("...'");
    }
}
