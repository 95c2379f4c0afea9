package tuplespace.codec.auth;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Passes a refused peer on once, and the same refusal again (the same host, role, side and reason) only once
 * {@link #QUIET} has passed since it was last passed on, with how many came meanwhile. A peer that retries with the
 * wrong secret — a primary registers again every 0.1 to 2 s — made an {@value LinkAuthHandler#AUTH_REFUSED_EVENT}
 * event, and a {@code --notify} run, for every attempt: 35 of them in 3 s on each side.
 *
 * <p>Called from any event loop of the process; refusals are rare, so one lock does.
 */
public final class RepeatedRefusals implements LinkAuthHandler.RefusalListener {

    /** The same refusal is passed on at most once in this long. */
    public static final Duration QUIET = Duration.ofMinutes(1);
    /** Past this many distinct refusals within {@link #QUIET} (a scan from many hosts), new ones are all passed on. */
    static final int REMEMBERED = 1024;

    private record Key(String host, LinkRole role, boolean connecting, String reason) {
    }

    /** When a refusal was last passed on, and how many identical ones were held back since. */
    private static final class Seen {
        long passedOnNanos;
        int heldBack;
    }

    private final LinkAuthHandler.RefusalListener next;
    private final LongSupplier nanoClock;
    private final Map<Key, Seen> seen = new HashMap<>();

    public RepeatedRefusals(LinkAuthHandler.RefusalListener next) {
        this(next, System::nanoTime);
    }

    RepeatedRefusals(LinkAuthHandler.RefusalListener next, LongSupplier nanoClock) {
        this.next = next;
        this.nanoClock = nanoClock;
    }

    @Override
    public void refused(SocketAddress peer, LinkRole role, boolean connecting, String reason) {
        String passedOn;
        synchronized (seen) {
            long now = nanoClock.getAsLong();
            Key key = new Key(host(peer), role, connecting, reason);
            Seen last = seen.get(key);
            if (last != null && now - last.passedOnNanos < QUIET.toNanos()) {
                last.heldBack++;
                return;
            }
            if (last == null) {
                if (seen.size() >= REMEMBERED) {
                    seen.values().removeIf(old -> now - old.passedOnNanos >= QUIET.toNanos());
                }
                last = new Seen();
                if (seen.size() < REMEMBERED) {
                    seen.put(key, last);
                }
            }
            passedOn = last.heldBack == 0 ? reason
                    : reason + " (and " + last.heldBack + " more times like it since this was last reported)";
            last.passedOnNanos = now;
            last.heldBack = 0;
        }
        next.refused(peer, role, connecting, passedOn);
    }

    /** The peer's host: a peer that connects again comes from another port each time. */
    private static String host(SocketAddress peer) {
        if (peer instanceof InetSocketAddress address) {
            return address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        }
        return String.valueOf(peer);
    }
}
