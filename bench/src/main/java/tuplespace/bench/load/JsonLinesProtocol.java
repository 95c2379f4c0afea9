package tuplespace.bench.load;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * tuplespace's JSON mode (docs/protocol.md): one request line per operation, without an id (answers come in
 * request order), and one answer line each. Keys are the tuples {@code ("bench", id)}, values one-field tuples. An
 * answer counts when its line ends; one that does not start {@code {"status":"ok"} is an error.
 */
public final class JsonLinesProtocol implements WireProtocol {

    private static final byte[] OK = "{\"status\":\"ok\"".getBytes(StandardCharsets.US_ASCII);
    /** How much of a failed answer line an error message shows. */
    private static final int SHOWN = 200;

    @Override
    public int encode(List<Operation> batch, RequestBytes out) {
        for (Operation operation : batch) {
            if (operation instanceof Operation.Put put) {
                pairs(out, "PUT", put.keyId(), put.value());
            } else if (operation instanceof Operation.Post post) {
                pairs(out, "POST", post.keyId(), post.value());
            } else if (operation instanceof Operation.ExactGet get) {
                out.ascii("{\"op\":\"GET\",\"key\":\"bench,").ascii(get.keyId()).ascii("\",\"value\":\".*\"}\n");
            } else {
                Operation.PrefixGet prefix = (Operation.PrefixGet) operation;
                out.ascii("{\"op\":\"GET\",\"key\":\"bench,").ascii(prefix.idPrefix()).ascii(".*\",\"value\":\".*\"}\n");
            }
        }
        return batch.size();
    }

    private static void pairs(RequestBytes out, String op, String keyId, String value) {
        out.ascii("{\"op\":\"").ascii(op).ascii("\",\"pairs\":[[[\"bench\",\"").ascii(keyId).ascii("\"],[\"")
                .ascii(value).ascii("\"]]]}\n");
    }

    @Override
    public boolean supports(Operation operation) {
        return true;
    }

    @Override
    public AnswerScanner newScanner() {
        return new LineScanner();
    }

    /** Counts lines; keeps the first bytes of the line in progress to check its status. */
    static final class LineScanner implements AnswerScanner {
        private final byte[] head = new byte[SHOWN];
        private int lineBytes;

        @Override
        public int scan(ByteBuffer in) {
            int answers = 0;
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b == '\n') {
                    requireOk();
                    lineBytes = 0;
                    answers++;
                } else {
                    if (lineBytes < SHOWN) {
                        head[lineBytes] = b;
                    }
                    lineBytes++;
                }
            }
            return answers;
        }

        private void requireOk() {
            boolean ok = lineBytes >= OK.length;
            for (int i = 0; ok && i < OK.length; i++) {
                ok = head[i] == OK[i];
            }
            if (!ok) {
                throw new IllegalStateException("tuplespace answered an error: expected a line starting "
                        + new String(OK, StandardCharsets.US_ASCII) + ", found '"
                        + new String(head, 0, Math.min(lineBytes, SHOWN), StandardCharsets.UTF_8) + "'");
            }
        }
    }
}
