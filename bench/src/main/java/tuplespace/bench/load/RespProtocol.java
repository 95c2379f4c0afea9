package tuplespace.bench.load;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Redis's RESP: {@code SET bench:<id> <value>} for PUT and POST, {@code GET bench:<id>} for an exact GET. With
 * {@code waitForReplica} a batch with writes ends with {@code WAIT 1 0} in the same pipeline: at depth 1 that is
 * SET+WAIT in one round trip, at depth 16 sixteen SETs and one WAIT, which covers them all (WAIT waits for the
 * replication offset reached when it runs) — the fastest way Redis offers to know each write is on the replica;
 * every write of the batch then counts as done when the WAIT's reply arrives.
 */
public final class RespProtocol implements WireProtocol {

    private final boolean waitForReplica;

    public RespProtocol(boolean waitForReplica) {
        this.waitForReplica = waitForReplica;
    }

    @Override
    public int encode(List<Operation> batch, RequestBytes out) {
        boolean writes = false;
        for (Operation operation : batch) {
            if (operation instanceof Operation.ExactGet get) {
                out.ascii("*2\r\n$3\r\nGET\r\n");
                bulk(out, "bench:", get.keyId());
            } else if (operation instanceof Operation.Put || operation instanceof Operation.Post) {
                String keyId = operation instanceof Operation.Put put ? put.keyId() : ((Operation.Post) operation).keyId();
                String value = operation instanceof Operation.Put put ? put.value() : ((Operation.Post) operation).value();
                out.ascii("*3\r\n$3\r\nSET\r\n");
                bulk(out, "bench:", keyId);
                bulk(out, "", value);
                writes = true;
            } else {
                throw new UnsupportedOperationException("redis has no prefix GET; expected PUT, POST or exact GET, found " + operation);
            }
        }
        if (waitForReplica && writes) {
            out.ascii("*3\r\n$4\r\nWAIT\r\n$1\r\n1\r\n$1\r\n0\r\n");
            return batch.size() + 1;
        }
        return batch.size();
    }

    private static void bulk(RequestBytes out, String prefix, String text) {
        out.ascii("$").decimal(prefix.length() + text.length()).ascii("\r\n").ascii(prefix).ascii(text).ascii("\r\n");
    }

    @Override
    public boolean supports(Operation operation) {
        return !(operation instanceof Operation.PrefixGet);
    }

    @Override
    public AnswerScanner newScanner() {
        return new ReplyScanner();
    }

    /**
     * Counts replies: a simple string, integer or error is one line; a bulk string ({@code $n}) its line and n bytes
     * and CRLF; {@code $-1} (no such key) one line. Arrays are never asked for.
     */
    static final class ReplyScanner implements AnswerScanner {
        private static final int SHOWN = 200;
        private final StringBuilder line = new StringBuilder();
        /** Bytes of a bulk string's body (with its CRLF) still to skip; 0 while reading a reply's first line. */
        private long bodyLeft;

        @Override
        public int scan(ByteBuffer in) {
            int replies = 0;
            while (in.hasRemaining()) {
                if (bodyLeft > 0) {
                    int skip = (int) Math.min(bodyLeft, in.remaining());
                    in.position(in.position() + skip);
                    bodyLeft -= skip;
                    if (bodyLeft == 0) {
                        replies++;
                    }
                    continue;
                }
                byte b = in.get();
                if (b == '\n') {
                    replies += endOfLine() ? 1 : 0;
                    line.setLength(0);
                } else if (b != '\r' && line.length() < SHOWN) {
                    line.append((char) (b & 0xff));
                }
            }
            return replies;
        }

        /** True when the line was a whole reply; false when a bulk body follows. */
        private boolean endOfLine() {
            char type = line.length() == 0 ? ' ' : line.charAt(0);
            switch (type) {
                case '+', ':':
                    return true;
                case '$':
                    long length = Long.parseLong(line, 1, line.length(), 10);
                    if (length < 0) {
                        return true;
                    }
                    bodyLeft = length + 2;
                    return false;
                case '-':
                    throw new IllegalStateException("redis answered an error: " + line);
                default:
                    throw new IllegalStateException("redis answered something unexpected: expected a reply starting"
                            + " with +, :, $ or -, found '" + new String(line.toString().getBytes(StandardCharsets.ISO_8859_1),
                            StandardCharsets.UTF_8) + "'");
            }
        }
    }
}
