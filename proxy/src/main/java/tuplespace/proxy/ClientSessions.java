package tuplespace.proxy;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The clients this proxy serves, shared between the client event loops (which add and remove their own sessions)
 * and the primary's loop (which routes answers to them). Lock-free: a concurrent map and counters.
 */
final class ClientSessions {
    private final int maxClients;
    private final long incarnation;
    private final AtomicLong connCounter = new AtomicLong();
    private final AtomicInteger admitted = new AtomicInteger();
    /** Clients that ended their input and gave back their slot while answers of them are due: at most maxClients. */
    private final AtomicInteger ended = new AtomicInteger();
    private final LongAdder undelivered = new LongAdder();
    private final Map<Long, ClientSession> byConn = new ConcurrentHashMap<>();

    /** @param incarnation random bits for the high half of every conn (docs/internals.md: unique across restarts) */
    ClientSessions(int maxClients, int incarnation) {
        this.maxClients = maxClients;
        this.incarnation = ((long) incarnation) << 32;
    }

    /** Takes a client slot if one is free (at most maxClients); false means refuse. */
    boolean tryAdmit() {
        int before = admitted.getAndUpdate(count -> count < maxClients ? count + 1 : count);
        return before < maxClients;
    }

    /** Gives back a slot taken by {@link #tryAdmit}. */
    void release() {
        admitted.decrementAndGet();
    }

    /**
     * A client ended its input (it can send nothing more) while answers of it are still due, which may take long (a
     * disk that is full holds updates): it gives back its slot, unless {@code maxClients} such clients hold none
     * already. A client that closed its socket is seen as such an end too, so clients that gave up waiting and closed
     * would otherwise keep every slot, and nobody could connect even to read. True when it gave the slot back; it then
     * calls {@link #endedClosed} when it closes, instead of {@link #release}.
     */
    boolean releaseEnded() {
        int before = ended.getAndUpdate(count -> count < maxClients ? count + 1 : count);
        if (before >= maxClients) {
            return false;
        }
        admitted.decrementAndGet();
        return true;
    }

    /** A client that {@link #releaseEnded} let go of its slot closed. */
    void endedClosed() {
        ended.decrementAndGet();
    }

    long nextConn() {
        return incarnation | (connCounter.incrementAndGet() & 0xFFFF_FFFFL);
    }

    void add(ClientSession session) {
        byConn.put(session.conn(), session);
    }

    void remove(ClientSession session) {
        byConn.remove(session.conn(), session);
    }

    ClientSession get(long conn) {
        return byConn.get(conn);
    }

    void forEach(Consumer<ClientSession> action) {
        byConn.values().forEach(action);
    }

    /** The sessions now, for any thread to walk (weakly consistent: sessions may come and go meanwhile). */
    Collection<ClientSession> all() {
        return Collections.unmodifiableCollection(byConn.values());
    }

    /**
     * Requests read and not yet answered to their client, over all clients: in the hands of the primary, held while
     * none is registered, or answered and waiting for the earlier answers of their connection (STATUS {@code held}).
     */
    void addUndelivered(long delta) {
        undelivered.add(delta);
    }

    long undelivered() {
        return undelivered.sum();
    }

    int clients() {
        return admitted.get();
    }

    int maxClients() {
        return maxClients;
    }
}
