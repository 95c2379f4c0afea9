package tuplespace.node;

/**
 * How a backup that acknowledged its snapshot's end comes to count (docs/design.md "Nothing leaves before the backup
 * has it"): when answers start to wait for it, and when it is named the replica, the backup the proxy may promote. Pure
 * bookkeeping of the primary's loop; the primary does what each step says.
 *
 * <p>Answers left without waiting for the backup while it took in its snapshot (a copy never stalls serving), so at
 * its snapshot's end it is behind the answers already out by every entry sent meanwhile, and a fresh JVM takes a while
 * over that backlog. Had answers waited for it from then on, every client would have waited for that backlog. So
 * with sync replication it <em>catches up</em> first, in rounds: a round ends when the backup acknowledges every answer
 * out when the round began, and another begins, answers still leaving at once, unless the round was quick (at most
 * {@link #QUICK_ROUND_NANOS}), no quicker than the one before (the backup does not gain: waiting for it costs no more
 * later), or the catch-up has lasted {@link #MAX_CATCH_UP_NANOS} (a backup slower than the writes is waited for all
 * the same, which is what sync replication is; and until then the proxy could promote nobody). Then answers wait for
 * its acknowledgements (<em>hold</em>), and it is <em>named</em> once it holds what every answer already out depends
 * on: at once if it does, else at the acknowledgement that covers them, normally the next one. With async
 * replication nothing waits for it: it is named once it holds every answer out at its snapshot's end.
 */
final class ReplicaCatchUp {

    /** A catch-up round this short means the backup keeps up: the answers that then wait for it wait about as long. */
    static final long QUICK_ROUND_NANOS = 20_000_000L;
    /** The longest catch-up: a fresh JVM's backlog takes a few hundred milliseconds; past this, answers wait for it. */
    static final long MAX_CATCH_UP_NANOS = 500_000_000L;

    /** What the primary does after an event: hold answers for the backup, name it the replica, both or none. */
    enum Step {
        NONE(false, false), HOLD(true, false), NAME(false, true), HOLD_AND_NAME(true, true);

        private final boolean hold;
        private final boolean nameReplica;

        Step(boolean hold, boolean nameReplica) {
            this.hold = hold;
            this.nameReplica = nameReplica;
        }

        /** Answers wait for the backup's acknowledgements from now on, starting from the index acknowledged. */
        boolean hold() {
            return hold;
        }

        /** The backup holds every answer out: it may be named the replica, before any answer this event releases. */
        boolean nameReplica() {
            return nameReplica;
        }
    }

    private enum Stage { NONE, CATCHING_UP, HELD, NAMED }

    private final boolean sync;
    private Stage stage = Stage.NONE;
    private long server;
    /** The index the backup is to acknowledge to end the current round (catching up) or to be named (held). */
    private long needs;
    private long catchUpStarted;
    private long roundStarted;
    private long previousRound;
    private int rounds;

    /** @param sync answers wait for the backup once it caught up (sync replication) */
    ReplicaCatchUp(boolean sync) {
        this.sync = sync;
    }

    /**
     * The backup with server id {@code backupServer} acknowledged its snapshot's end at {@code acknowledged}; the
     * answers out depend on indexes up to {@code answered} (-1: none).
     */
    Step copied(long acknowledged, long backupServer, long answered, long nowNanos) {
        server = backupServer;
        rounds = 0;
        if (sync && acknowledged < answered) {
            stage = Stage.CATCHING_UP;
            needs = answered;
            catchUpStarted = nowNanos;
            roundStarted = nowNanos;
            previousRound = Long.MAX_VALUE;
            rounds = 1;
            return Step.NONE;
        }
        return hold(acknowledged, answered);
    }

    /**
     * The backup acknowledged every index up to {@code index}; the answers out depend on indexes up to
     * {@code answered}.
     */
    Step acknowledged(long index, long answered, long nowNanos) {
        if (index < needs) {
            return Step.NONE;
        }
        return switch (stage) {
            case CATCHING_UP -> {
                long round = nowNanos - roundStarted;
                if (index < answered && round > QUICK_ROUND_NANOS && round < previousRound
                        && nowNanos - catchUpStarted < MAX_CATCH_UP_NANOS) {
                    needs = answered;
                    roundStarted = nowNanos;
                    previousRound = round;
                    rounds++;
                    yield Step.NONE;
                }
                yield hold(index, answered);
            }
            case HELD -> {
                stage = Stage.NAMED;
                yield Step.NAME;
            }
            case NONE, NAMED -> Step.NONE;
        };
    }

    private Step hold(long acknowledged, long answered) {
        if (acknowledged >= answered) {
            stage = Stage.NAMED;
            return sync ? Step.HOLD_AND_NAME : Step.NAME;
        }
        stage = Stage.HELD;
        needs = answered;
        return sync ? Step.HOLD : Step.NONE;
    }

    /** The backup was lost: the next one starts over. */
    void lost() {
        stage = Stage.NONE;
        server = 0;
        needs = 0;
    }

    /** The backup being caught up or named (its server id); 0 for none. */
    long server() {
        return server;
    }

    /** Catch-up rounds so far for the current backup (for the log and tests); 0 when it needed none. */
    int rounds() {
        return rounds;
    }
}
