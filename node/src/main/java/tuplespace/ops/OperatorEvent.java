package tuplespace.ops;

/**
 * The events an operator is told about (README "Running it"). The wire names are stable: scripts given to
 * {@code --notify} read them from {@code TUPLESPACE_EVENT}, and log searches rely on them.
 */
public enum OperatorEvent {
    /** The primary lost its backup (link closed or heartbeats missed). */
    BACKUP_FAILED("backup_failed", Severity.WARN),
    /** A (re)started backup caught up and acknowledges every effect again. */
    BACKUP_RESTORED("backup_restored", Severity.WARN),
    /** Backup restarts are exhausted: serving without a second copy, retrying with back-off. */
    BACKUP_DEGRADED("backup_degraded", Severity.ERROR),
    /**
     * The backup saw its primary on this machine fail (link closed or heartbeats missed), or the proxy lost the
     * primary and promotes this backup. Seeing it fail does not fence it: the backup waits, and kills a primary on
     * its machine (by pid) only once the proxy promotes it. A WARN, as {@link #BACKUP_FAILED}: the service goes on
     * by itself; a takeover that cannot happen is {@link #TAKEOVER_REFUSED}.
     */
    PRIMARY_FAILED("primary_failed", Severity.WARN),
    /**
     * The backup lost its primary on another machine and cannot tell a failure from a cut link: it waits for the
     * proxy, which promotes it only if it lost that primary too and the primary named this backup its replica.
     */
    PRIMARY_UNREACHABLE("primary_unreachable", Severity.WARN),
    /**
     * The primary failed before this backup had a complete copy (the end of its snapshot applied and
     * acknowledged): it must not take over, so it exits non-zero and the service waits for an operator.
     */
    TAKEOVER_REFUSED("takeover_refused", Severity.ERROR),
    /**
     * The operator's switchover: the primary stepped down at an index its backup acknowledged, the backup serves as
     * primary with a higher epoch, and the old primary becomes its backup (resumed, no snapshot).
     */
    SWITCHOVER("switchover", Severity.WARN),
    /** The former backup serves as primary with a higher epoch. */
    FAILOVER_COMPLETE("failover_complete", Severity.WARN),
    /**
     * The proxy refused this primary (a primary of the same or a higher epoch was seen), or its backup did (it holds a
     * newer copy).
     */
    STALE_EPOCH("stale_epoch", Severity.ERROR),
    /**
     * The primary lost its link to the proxy and could not register again within --primary-register-timeout: it keeps
     * its space and keeps trying, with back-off.
     */
    PROXY_LOST("proxy_lost", Severity.ERROR),
    /**
     * The primary could not register with the proxy in time: after a takeover it keeps trying, like after
     * {@link #PROXY_LOST}; a fresh primary that never served stops.
     */
    PROXY_UNREACHABLE("proxy_unreachable", Severity.ERROR),
    /** After {@link #PROXY_LOST} or {@link #PROXY_UNREACHABLE}, the primary registered with the proxy again. */
    PROXY_RESTORED("proxy_restored", Severity.WARN),
    /** The node stops on request (SHUTDOWN) or because it lost its backup under {@code --on-backup-loss shutdown}. */
    SHUTDOWN("shutdown", Severity.WARN),
    /** SAVE_FILE could not be written. */
    SAVE_FAILED("save_failed", Severity.ERROR),
    /**
     * A write or fsync of the node's write-ahead log failed (a full disk, an I/O error): updates are answered
     * {@code unavailable} until the log writes again; reads are served.
     */
    DISK_ERROR("disk_error", Severity.ERROR),
    /** The write-ahead log writes again after a {@code disk_error}: updates are taken again. */
    DISK_RECOVERED("disk_recovered", Severity.WARN),
    /**
     * A peer on an internal link or the admin port did not prove knowledge of the cluster secret (or this node's
     * peer did not): the link was closed before anything reached the node. The detail names the peer's address.
     */
    AUTH_REFUSED(tuplespace.codec.auth.LinkAuthHandler.AUTH_REFUSED_EVENT, Severity.WARN);

    /**
     * The log level an event is reported at (README "Running it"): WARN for a failure the service gets over by
     * itself, or the end of one; ERROR where it cannot serve as before until something else happens (the disk
     * writes again, the proxy returns, an operator acts).
     */
    public enum Severity { WARN, ERROR }

    private final String wireName;
    private final Severity severity;

    OperatorEvent(String wireName, Severity severity) {
        this.wireName = wireName;
        this.severity = severity;
    }

    public String wireName() {
        return wireName;
    }

    public Severity severity() {
        return severity;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
