package tuplespace.node;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The life cycle of a server process. Every change goes through {@link #validate}.
 *
 * <pre>
 *   STARTING ──(PRIMARY_HANDLE null)──────────────────────────▶ PRIMARY ──▶ STOPPING ──▶ STOPPED
 *      │                                                           ▲                       ▲
 *      └──(PRIMARY_HANDLE pid or host:port)──▶ BACKUP ──(promoted)─┘                       │
 *                                                │                                        │
 *                                                └───────(told to stop, or broken invariant)
 *
 *   PRIMARY ──(stale epoch)──▶ STOPPED   (exits at once, writes no file)
 *   PRIMARY ──(stepped down in a switchover)──▶ BACKUP   (of the backup it handed over to)
 * </pre>
 *
 * A backup takes over only when the proxy promotes it (the proxy, which serves only the highest epoch, is the fence);
 * on the primary's own machine it has also killed the old primary and seen its pid gone.
 */
public enum NodeRole {
    /** Parsing arguments, loading INIT_FILE, binding the first sockets. */
    STARTING("starting"),
    /** Receiving the primary's snapshot and effects; serves nobody. */
    BACKUP("backup"),
    /** Serving the proxy's requests and replicating to its backup. */
    PRIMARY("primary"),
    /** Saving (a primary) and closing links; accepts no new work. */
    STOPPING("stopping"),
    /** Gone: the process exits. */
    STOPPED("stopped");

    private static final Map<NodeRole, Set<NodeRole>> SUCCESSORS = Map.of(
            STARTING, EnumSet.of(BACKUP, PRIMARY, STOPPING, STOPPED),
            BACKUP, EnumSet.of(PRIMARY, STOPPING, STOPPED),
            PRIMARY, EnumSet.of(BACKUP, STOPPING, STOPPED),
            STOPPING, EnumSet.of(STOPPED),
            STOPPED, EnumSet.noneOf(NodeRole.class));

    private final String word;

    NodeRole(String word) {
        this.word = word;
    }

    /** The word STATUS and operator notifications use. */
    public String word() {
        return word;
    }

    public boolean canBecome(NodeRole next) {
        return SUCCESSORS.get(this).contains(next);
    }

    /** Throws {@link IllegalStateException} naming both roles when {@code from → to} is not in the table. */
    public static void validate(NodeRole from, NodeRole to) {
        if (!from.canBecome(to)) {
            throw new IllegalStateException("a node cannot go from " + from + " to " + to
                    + "; expected one of " + SUCCESSORS.get(from));
        }
    }
}
