package tuplespace.proxy;

import io.netty.util.internal.PlatformDependent;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import tuplespace.codec.Lines;

/**
 * Keeps what the proxy holds of answers its clients do not read below a bound, so that such clients cannot make it
 * run out of memory. {@link ClientBounds} stops reading a client that does not read its answers, but the answers of
 * the requests already forwarded arrive whatever the client does, and before a client's first answer shows how large
 * its answers are, up to {@link ClientBounds#FIRST_WINDOW} of its requests go: a tester's clients pipelining GETs of
 * 14 MB answers and never reading took a proxy to 2.9 GB; with {@code -Xmx1g} its direct memory ran out while it read
 * the primary's link, it dropped that link, and the service failed over again and again.
 *
 * <p>Every {@link #CHECK_EVERY} on the control loop it sums the answer bytes waiting for the clients' sockets; while
 * the sum is over the bound, it closes the clients that hold the most among those whose socket took nothing since the
 * last check (not writable, holding no less), largest first, until what is left is under it; and while the direct
 * memory in use is over three quarters of the JVM's limit (as large as its heap unless set otherwise), at least the
 * largest of them. A client that reads is never closed so; Redis closes a client over its output buffer limit alike.
 * The bound is {@link ProxyConfig#answerMemoryBytes()}, by default a quarter of the direct memory limit: under the
 * tester's attack the direct memory in use was about twice the answer bytes waiting (the link's buffers, answers on
 * their way), and a bound of half the limit let the proxy run out first.
 *
 * <p>Confined to the control loop; reads each session's counts, which any thread may read.
 */
final class AnswerMemoryGuard {

    static final Duration CHECK_EVERY = Duration.ofMillis(50);

    private final ClientSessions sessions;
    private final long boundBytes;
    private final long directLimitBytes;
    private final LongSupplier directMemory;
    /** Each client's unsent answer bytes at the last check, by conn. */
    private Map<Long, Long> unsentBefore = new HashMap<>();

    /**
     * @param boundBytes answer bytes waiting for clients' sockets past which stalled clients are closed
     * @param directLimitBytes the JVM's direct memory limit: past three quarters of it in use, one is closed at least
     * @param directMemory the direct memory in use now
     */
    AnswerMemoryGuard(ClientSessions sessions, long boundBytes, long directLimitBytes, LongSupplier directMemory) {
        if (boundBytes <= 0 || directLimitBytes <= 0) {
            throw new IllegalArgumentException("expected positive bounds, found " + boundBytes + " and "
                    + directLimitBytes + " bytes");
        }
        this.sessions = sessions;
        this.boundBytes = boundBytes;
        this.directLimitBytes = directLimitBytes;
        this.directMemory = directMemory;
    }

    /** The guard of a proxy configured with {@code config}, in this JVM. */
    static AnswerMemoryGuard of(ClientSessions sessions, ProxyConfig config) {
        long limit = PlatformDependent.maxDirectMemory();
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).findFirst().orElse(null);
        LongSupplier used = direct != null ? direct::getMemoryUsed : PlatformDependent::usedDirectMemory;
        return new AnswerMemoryGuard(sessions, config.answerMemoryBytes() > 0 ? config.answerMemoryBytes()
                : Math.max(1, limit / 4), limit, used);
    }

    /** One check: see the class comment. */
    void check() {
        Map<Long, Long> unsentNow = new HashMap<>();
        List<Stalled> stalled = new ArrayList<>();
        long total = 0;
        for (ClientSession session : sessions.all()) {
            long unsent = session.unsentAnswerBytes();
            if (unsent == 0) {
                continue;
            }
            total += unsent;
            Long before = unsentBefore.get(session.conn());
            unsentNow.put(session.conn(), unsent);
            if (before != null && unsent >= before && !session.takesAnswers()) {
                stalled.add(new Stalled(session, unsent));
            }
        }
        unsentBefore = unsentNow;
        long directUsed = directMemory.getAsLong();
        boolean directShort = directUsed > directLimitBytes / 4 * 3;
        if (total <= boundBytes && !directShort) {
            return;
        }
        stalled.sort(Comparator.comparingLong(Stalled::unsent).reversed());
        long left = total;
        boolean closedAny = false;
        for (Stalled client : stalled) {
            if (left <= boundBytes && (closedAny || !directShort)) {
                break;
            }
            closedAny = true;
            String why = "it reads none of its answers, and the proxy held " + megabytes(client.unsent()) + " of them"
                    + " for it, while the answers waiting for all clients came to " + megabytes(total) + " (bound: "
                    + megabytes(boundBytes) + ") and its direct memory in use to " + megabytes(directUsed)
                    + " (limit: " + megabytes(directLimitBytes) + "): a client must read its answers";
            client.session().executor().execute(() -> client.session().closeForUnreadAnswers(why));
            unsentBefore.remove(client.session().conn());
            left -= client.unsent();
        }
    }

    private static String megabytes(long bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : Lines.count(bytes, "byte");
    }

    private record Stalled(ClientSession session, long unsent) {
    }
}
