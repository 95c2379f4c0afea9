package tuplespace.proxy;

import io.netty.channel.WriteBufferWaterMark;
import tuplespace.codec.frame.Frame;

/**
 * How much of one client the proxy holds before it stops reading that client, so that TCP pushes back on a client
 * that sends faster than it reads its answers instead of the proxy and the primary buffering for it
 * (docs/internals.md "Proxy bounds"). The client is read while each of these is below its bound; once it is
 * stopped, it is read again when each is below half of its bound (hysteresis: not off and on with every answer).
 * <ul>
 *   <li>Requests read and not yet delivered: {@link Frame.Request#MAX_IN_FLIGHT} (1024). Enough for a lone client
 *       that pipelines small requests to stay many serving turns of the primary ahead (a turn serves 32 requests of
 *       one connection), cheap when requests and answers are small (1024 × about 100 B), and the bound on how many
 *       answers the primary keeps for the connection until the floor passes them.</li>
 *   <li>Bytes of their request lines, which the proxy keeps to send them again to a new primary:
 *       {@code bufferBytes}.</li>
 *   <li>Answer bytes written to the client and not yet taken by its socket: {@code bufferBytes}, the channel's
 *       write-buffer high water mark (writable again at the low mark, half).</li>
 *   <li>Answer bytes still to come for the unanswered requests: {@code bufferBytes}, each unanswered request counted
 *       as the largest recent answer of this client. This is what keeps a client that never reads cheap: the answers
 *       of requests already forwarded arrive whatever the client does, and both the proxy and the primary (until a
 *       later floor passes them) hold them; bounded by count alone, 1024 GETs of 70 KB were 70 MB per client on each.
 *       The estimate jumps to any larger answer and decays by 1/16 per answer (one large answer narrows the window
 *       for a few dozen answers, not for good); before the first answer it is 1/16 of the bound, so a fresh client
 *       has 16 requests in flight, as many as a pipeline of 16 needs.</li>
 * </ul>
 * So a client that never reads costs the proxy about {@code 2 × bufferBytes} of answers (those waiting for its socket
 * and those that were on their way when it was stopped) and the primary about {@code bufferBytes}; with the default
 * 512 KiB, 64 such clients hold about 64 MiB here and 32 MiB on the primary. What the primary computes for such a
 * client before it is held back (about 20 answers of 70 KB: the first window, and what fills the bounds and the
 * kernel) is work done for nothing, so the bounds are no larger than a client that reads needs.
 *
 * <p>One per client session, confined to its event loop.
 */
final class ClientBounds {

    /** The answer size estimate loses {@code 1 / 2^DECAY_SHIFT} of itself with each smaller answer. */
    private static final int DECAY_SHIFT = 4;
    /**
     * Bytes of answers a client's socket may keep unsent in the kernel ({@code TCP_NOTSENT_LOWAT}, with a native
     * transport): past it the socket is not writable, so the answers wait in the channel, where they count toward
     * {@code bufferBytes}. Without it the kernel's send buffer (autotuned up to 4 MB) held another 60 answers of 70 KB
     * for each client that does not read, computed by the primary for nothing. Data already sent is not counted, so
     * the window for a client that reads is not narrowed.
     */
    static final int KERNEL_UNSENT_BYTES = 128 << 10;
    /** Requests a fresh client may have unanswered before its first answer tells how large its answers are. */
    static final int FIRST_WINDOW = 16;

    private final int maxInFlight;
    private final int bufferBytes;
    private long answerEstimate;

    ClientBounds(int maxInFlight, int bufferBytes) {
        if (maxInFlight < 2 || bufferBytes < 2) {
            throw new IllegalArgumentException("expected bounds of at least 2, found " + maxInFlight + " requests and "
                    + bufferBytes + " bytes");
        }
        this.maxInFlight = maxInFlight;
        this.bufferBytes = bufferBytes;
        this.answerEstimate = Math.max(1, bufferBytes / FIRST_WINDOW);
    }

    /** The bounds for a client of a proxy configured with {@code config}. */
    static ClientBounds of(ProxyConfig config) {
        return new ClientBounds(Frame.Request.MAX_IN_FLIGHT, config.clientBufferBytes());
    }

    /** The client channel's write-buffer marks: not writable above the bound, writable again below half. */
    WriteBufferWaterMark waterMark() {
        return new WriteBufferWaterMark(bufferBytes / 2, bufferBytes);
    }

    /** An answer of {@code bytes} bytes arrived for this client. */
    void answerArrived(int bytes) {
        answerEstimate = Math.max(bytes, answerEstimate - (answerEstimate >> DECAY_SHIFT));
    }

    /** About how many answer bytes are still to come for {@code unanswered} requests. */
    long expectedAnswerBytes(int unanswered) {
        return unanswered * answerEstimate;
    }

    /**
     * Whether the client may be read, as far as what the proxy holds for it goes ({@code pending}); the socket's side
     * is the channel's writability. {@code reading}: whether it is read now, for the hysteresis.
     */
    boolean allowsReading(PendingRequests pending, boolean reading) {
        int requestBound = reading ? maxInFlight : maxInFlight / 2;
        long byteBound = reading ? bufferBytes : bufferBytes / 2;
        return pending.size() < requestBound && pending.lineBytes() < byteBound
                && expectedAnswerBytes(pending.unansweredCount()) < byteBound;
    }
}
