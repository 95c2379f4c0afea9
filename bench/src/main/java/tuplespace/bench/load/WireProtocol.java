package tuplespace.bench.load;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * How one system spells a batch of {@link Operation}s on its socket and how its answers are told apart: the only
 * part of the load generator that differs between the systems ({@link RawSession} is the same for both). One per
 * system: {@link JsonLinesProtocol} for tuplespace, {@link RespProtocol} for Redis.
 */
public interface WireProtocol {

    /** Appends the requests of {@code batch} to {@code out}; returns how many answers they will get. */
    int encode(List<Operation> batch, RequestBytes out);

    /** Whether the system can serve {@code operation} (Redis has no prefix GET). */
    boolean supports(Operation operation);

    /** A fresh scanner of one connection's answers. */
    AnswerScanner newScanner();

    /** Finds whole answers in a connection's bytes as they arrive, in any split. Not thread-safe: one per connection. */
    interface AnswerScanner {

        /**
         * Consumes every byte of {@code in} and returns how many answers ended in it.
         *
         * @throws IllegalStateException on an error answer, naming it
         */
        int scan(ByteBuffer in);
    }
}
