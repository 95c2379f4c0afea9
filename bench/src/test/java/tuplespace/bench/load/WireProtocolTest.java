package tuplespace.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The two protocols of the raw load generator: what they send, and answers found in any split. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WireProtocolTest {

    private static final List<Operation> BATCH = List.of(new Operation.Put("a1", "v1"), new Operation.ExactGet("7"));

    @Test
    void jsonLinesSendsOneRequestLinePerOperation() {
        RequestBytes out = new RequestBytes();
        assertThat(new JsonLinesProtocol().encode(BATCH, out)).isEqualTo(2);
        assertThat(text(out)).isEqualTo("{\"op\":\"PUT\",\"pairs\":[[[\"bench\",\"a1\"],[\"v1\"]]]}\n"
                + "{\"op\":\"GET\",\"key\":\"bench,7\",\"value\":\".*\"}\n");
    }

    @Test
    void jsonLinesCountsAnswerLinesSplitAnywhere() {
        String answers = "{\"status\":\"ok\",\"pairs\":[]}\n{\"status\":\"ok\",\"pairs\":[[[\"bench\",\"7\"],[\"é\"]]]}\n";
        assertThat(scanInPieces(new JsonLinesProtocol().newScanner(), answers)).isEqualTo(2);
    }

    @Test
    void jsonLinesReportsAnErrorAnswer() {
        WireProtocol.AnswerScanner scanner = new JsonLinesProtocol().newScanner();
        assertThatThrownBy(() -> scanner.scan(bytes("{\"status\":\"malformed\",\"error\":\"bad\"}\n")))
                .hasMessageContaining("\"status\":\"malformed\"");
    }

    @Test
    void respSendsSetAndGetAndEndsAWritingBatchWithWait() {
        RequestBytes out = new RequestBytes();
        assertThat(new RespProtocol(true).encode(BATCH, out)).isEqualTo(3);
        assertThat(text(out)).isEqualTo("*3\r\n$3\r\nSET\r\n$8\r\nbench:a1\r\n$2\r\nv1\r\n"
                + "*2\r\n$3\r\nGET\r\n$7\r\nbench:7\r\n*3\r\n$4\r\nWAIT\r\n$1\r\n1\r\n$1\r\n0\r\n");
        assertThat(new RespProtocol(true).encode(List.of(new Operation.ExactGet("7")), out.clear())).isEqualTo(1);
        assertThat(new RespProtocol(false).encode(BATCH, out.clear())).isEqualTo(2);
    }

    @Test
    void respCountsRepliesSplitAnywhereIncludingInsideABulkString() {
        String replies = "+OK\r\n$5\r\nab\r\nc\r\n$-1\r\n:1\r\n$0\r\n\r\n";
        assertThat(scanInPieces(new RespProtocol(true).newScanner(), replies)).isEqualTo(5);
    }

    @Test
    void respReportsAnErrorReply() {
        WireProtocol.AnswerScanner scanner = new RespProtocol(false).newScanner();
        assertThatThrownBy(() -> scanner.scan(bytes("-ERR wrong number of arguments\r\n")))
                .hasMessageContaining("ERR wrong number of arguments");
    }

    @Test
    void aRawSessionCompletesEveryOperationOfABatchOnceItsAnswersAreIn() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread answering = new Thread(() -> answerTwoLinesInPieces(server));
            answering.start();
            RawSession session = new RawSession((InetSocketAddress) server.getLocalSocketAddress(), new JsonLinesProtocol());
            try {
                long[] completions = session.execute(BATCH).get(10, TimeUnit.SECONDS);
                assertThat(completions).hasSize(2).doesNotContain(0L);
                assertThat(completions[1]).isGreaterThanOrEqualTo(completions[0]);
            } finally {
                session.close();
            }
            answering.join();
        }
    }

    private static void answerTwoLinesInPieces(ServerSocket server) {
        try (Socket socket = server.accept()) {
            InputStream in = socket.getInputStream();
            int lines = 0;
            while (lines < 2) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                lines += b == '\n' ? 1 : 0;
            }
            OutputStream out = socket.getOutputStream();
            out.write(bytesOf("{\"status\":\"ok\",\"pa"));
            out.flush();
            Thread.sleep(20);
            out.write(bytesOf("irs\":[]}\n{\"status\":\"ok\",\"pairs\":[]}\n"));
            out.flush();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every split of {@code text} into two reads gives the same count as one read. */
    private static int scanInPieces(WireProtocol.AnswerScanner scanner, String text) {
        byte[] all = bytesOf(text);
        int whole = scanner.scan(ByteBuffer.wrap(all));
        for (int cut = 0; cut <= all.length; cut++) {
            int split = scanner.scan(ByteBuffer.wrap(all, 0, cut)) + scanner.scan(ByteBuffer.wrap(all, cut, all.length - cut));
            assertThat(split).as("split at %d", cut).isEqualTo(whole);
        }
        int byteByByte = 0;
        for (byte b : all) {
            byteByByte += scanner.scan(ByteBuffer.wrap(new byte[] {b}));
        }
        assertThat(byteByByte).isEqualTo(whole);
        return whole;
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(bytesOf(text));
    }

    private static byte[] bytesOf(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(RequestBytes out) {
        ByteBuffer view = out.view();
        byte[] copy = new byte[view.remaining()];
        view.get(copy);
        return new String(copy, StandardCharsets.US_ASCII);
    }
}
