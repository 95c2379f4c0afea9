package tuplespace.proxy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The last {@link #KEPT} primaries this proxy registered, oldest first, for STATUS's {@code primaries}: how and when
 * each came, and when and why its link ended. An operator sees from it that a failover happened, when, and why the
 * primary before was lost, without the logs. Written on the control loop; STATUS reads it from any loop, so each
 * change publishes a new immutable list. The same primary registering again and again in a row (a link that keeps
 * failing) is one entry, which counts the times, so that it does not push the failovers before it out of the list.
 */
final class RegisteredPrimaries {

    /** How many primaries STATUS lists. */
    static final int KEPT = 8;

    /** How a primary came to be registered; STATUS says it as {@link #text}. */
    enum How {
        /** A server registered an epoch above every one seen: a start, or a restart from its data directory. */
        REGISTERED,
        /** The backup this proxy promoted after it lost the primary (a failover). */
        PROMOTED,
        /** The backup an operator's PROMOTE promoted (no primary named it its replica). */
        PROMOTED_BY_THE_OPERATOR,
        /** The backup this proxy promoted in an operator's switchover. */
        SWITCHED_OVER,
        /** The same primary (epoch and server) on a new link, after it lost its link to the proxy. */
        REGISTERED_AGAIN;

        /**
         * {@code registered}, {@code promoted}, {@code promoted by the operator}, {@code switched over},
         * {@code registered again}.
         */
        String text() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /**
     * One registered primary.
     *
     * @param registered when it registered (the last time, for an entry of several times)
     * @param ended when its link ended; empty while it is the registered primary
     * @param why why its link ended (the primary_lost line's reason); empty while it is registered
     * @param times how many registrations the entry stands for: 1, or for {@link How#REGISTERED_AGAIN} how many times
     * in a row that primary registered again
     */
    record Entry(long epoch, long pid, How how, Instant registered, Optional<Instant> ended, Optional<String> why,
                 int times) {
    }

    private volatile List<Entry> entries = List.of();

    /** A primary registered: ends the entry of the one before if that is still open ({@code replaced}). */
    void registered(PrimaryLink link, How how) {
        List<Entry> next = new ArrayList<>(entries);
        Instant now = Instant.now();
        Entry last = next.isEmpty() ? null : next.get(next.size() - 1);
        int times = 1;
        if (how == How.REGISTERED_AGAIN && last != null && last.how() == How.REGISTERED_AGAIN
                && last.epoch() == link.epoch() && last.pid() == link.pid()) {
            next.remove(next.size() - 1); // the same primary again: one entry, counted
            times = last.times() + 1;
        } else {
            endLast(next, now, "replaced by pid " + link.pid() + " of epoch " + link.epoch());
        }
        next.add(new Entry(link.epoch(), link.pid(), how, now, Optional.empty(), Optional.empty(), times));
        while (next.size() > KEPT) {
            next.remove(0);
        }
        entries = List.copyOf(next);
    }

    /** The registered primary's link ended, for {@code why}. */
    void ended(String why) {
        List<Entry> next = new ArrayList<>(entries);
        endLast(next, Instant.now(), why);
        entries = List.copyOf(next);
    }

    private static void endLast(List<Entry> entries, Instant when, String why) {
        if (!entries.isEmpty() && entries.get(entries.size() - 1).ended().isEmpty()) {
            Entry open = entries.remove(entries.size() - 1);
            entries.add(new Entry(open.epoch(), open.pid(), open.how(), open.registered(), Optional.of(when),
                    Optional.of(why), open.times()));
        }
    }

    /** Oldest first; the last one is open while a primary is registered. */
    List<Entry> entries() {
        return entries;
    }
}
