package tuplespace.node;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.Durations;

/**
 * The process of a primary's backup, as far as the primary owns one ({@code --backup-start}): it starts it (the standby
 * it keeps, a child JVM, or the command that starts one elsewhere), watches a child's exit, and when the backup is
 * dropped kills it before its links are closed. The old primary resumed after a switchover on this machine is adopted
 * by its pid from its first acknowledgement, and dropped the same way. With {@code --backup-start none} there is no
 * process: someone else starts the backup. Everything here runs on the node's loop, but the fork (off the loop).
 */
final class BackupProcess {

    private static final Logger LOG = LoggerFactory.getLogger(BackupProcess.class);
    /** How long a failed backup may take to die after SIGKILL before its links are closed anyway. */
    static final Duration KILL_WAIT = Duration.ofSeconds(5);

    /** What the backup's supervisor hears about a start; on the loop. */
    interface Events {
        /** False once {@code attempt} was given up (a newer one, or the primary stops): its process is not wanted. */
        boolean wanted(long attempt);

        /** The backup of {@code attempt} was started (a child, or a command ran): connect to it. */
        void started(long attempt);

        /** The backup of {@code attempt} could not be started, or its child exited. */
        void failed(long attempt, String reason);

        /**
         * The replication link of {@code attempt} is up with a backup that is not the process {@code pid} (or has not
         * said which it is yet): when that child exits, the link is not its.
         */
        boolean linkedWithout(long attempt, long pid);
    }

    private final ServerNode node;
    private final NodeConfig config;
    private final long primaryPid;
    private final Events events;
    /** The child JVM (a standby released, or one started) of the current attempt; null for none. */
    private Process child;
    /**
     * A backup process of this machine that is not the child: the old primary resumed after a switchover, or a backup
     * that outlived an earlier primary and was found on BACKUP_SAP; null for none.
     */
    private ProcessHandle adopted;
    /** The pid the last acknowledgement named: one comparison per acknowledgement in the common case. */
    private long acknowledging = -1;
    /** The next acknowledgement names the old primary being resumed on this machine: it becomes {@link #adopted}. */
    private boolean adoptOnAcknowledgement;

    BackupProcess(ServerNode node, NodeConfig config, long primaryPid, Events events) {
        this.node = node;
        this.config = config;
        this.primaryPid = primaryPid;
        this.events = events;
    }

    /** Starts the backup of {@code attempt}: the standby if one is ready, else a child JVM or the command. */
    void start(long attempt) {
        if (config.backupStart() instanceof BackupStart.Child && useStandby(attempt)) {
            return;
        }
        // fork/exec can take hundreds of ms on a busy machine: never on the event loop, which serves.
        Thread launcher = new Thread(() -> {
            try {
                if (config.backupStart() instanceof BackupStart.Command command) {
                    Process runner = BackupCommand.start(command, node.backupConfig(), node.epoch());
                    node.loop().execute(() -> onCommandRan(attempt, runner));
                } else {
                    Process started = node.backupStarter().start(node.backupConfig(), primaryPid);
                    node.loop().execute(() -> onLaunched(attempt, started));
                }
            } catch (IOException | RuntimeException e) {
                node.loop().execute(() -> events.failed(attempt, "could not start the backup: " + e.getMessage()));
            }
        }, "backup-launcher");
        launcher.setDaemon(true);
        launcher.start();
    }

    /**
     * The standby this node keeps, if it has one alive (docs/design.md "Failover"): told to serve, it is the child of
     * this attempt, and no JVM has to start. Returns false when there is none (or it cannot be told).
     */
    private boolean useStandby(long attempt) {
        Optional<Process> standby = node.standby().release();
        if (standby.isEmpty()) {
            return false;
        }
        LOG.info("primary uses standby pid {} as its backup", standby.get().pid());
        onLaunched(attempt, standby.get());
        return true;
    }

    private void onLaunched(long attempt, Process started) {
        if (!events.wanted(attempt)) {
            started.destroyForcibly(); // the attempt was given up (or the primary stops) while the process started
            return;
        }
        child = started;
        LOG.info("primary started backup pid {}", child.pid());
        child.onExit().thenAccept(exited -> node.loop().execute(() -> childExited(attempt, exited)));
        events.started(attempt);
    }

    /**
     * The child exited. Usually that is the backup failing; but when the replication link is up with another process,
     * the link is not the child's: a backup that outlived an earlier primary (the proxy and that primary killed, the
     * same command lines with {@code --data-dir} run again) holds BACKUP_SAP, and its node directory, so the child
     * could not start. That backup is kept (it took this primary's snapshot), instead of starting child after child
     * that each fail the same way and close the link to the one backup that works. (Without a data directory the
     * restarted server starts at epoch 1 again, another history to that backup, which refuses it.)
     */
    private void childExited(long attempt, Process exited) {
        String how = "the backup process (pid " + exited.pid() + ") " + howItEnded(exited.exitValue());
        if (exited == child && events.linkedWithout(attempt, exited.pid())) {
            child = null;
            LOG.warn("{}; the backup on the replication link is another process, which outlived an earlier primary:"
                    + " it stays this primary's backup", how);
            return;
        }
        events.failed(attempt, how);
    }

    /**
     * {@code --backup-start COMMAND} ran: the command starts a backup elsewhere (it may return at once, as {@code
     * systemctl start} does, or stay, as {@code ssh} does), so its exit says nothing about the backup: only the link
     * does. A non-zero status is worth a warning.
     */
    private void onCommandRan(long attempt, Process runner) {
        LOG.info("primary ran --backup-start (pid {}); connecting to the backup at {}", runner.pid(),
                NodeNetwork.describe(config.peerBackupSap()));
        runner.onExit().thenAccept(exited -> {
            if (exited.exitValue() != 0) {
                LOG.warn("--backup-start command (pid {}) exited with status {}", exited.pid(), exited.exitValue());
            }
        });
        if (events.wanted(attempt)) {
            events.started(attempt);
        }
    }

    /** The backup about to be resumed after a switchover is the old primary; on this machine, its pid is adopted. */
    void adoptOnFirstAcknowledgement() {
        adoptOnAcknowledgement = config.backupStart() instanceof BackupStart.Child;
        acknowledging = -1;
    }

    /** An acknowledgement came from the backup process {@code pid}. */
    void acknowledgedBy(long pid) {
        if (pid == acknowledging) {
            return;
        }
        acknowledging = pid;
        boolean notTheChild = config.backupStart() instanceof BackupStart.Child && (child == null || child.pid() != pid);
        if (adoptOnAcknowledgement || notTheChild) {
            adoptOnAcknowledgement = false;
            adopted = ProcessHandle.of(pid).orElse(null);
        }
    }

    /**
     * Kills the backup's process, if this primary owns one, and runs {@code then} on the loop once it is gone, or after
     * {@link #KILL_WAIT}; at once when there is none. The process is forgotten.
     */
    void killThen(Runnable then) {
        Process dyingChild = child;
        ProcessHandle dyingAdopted = adopted;
        forget();
        if (dyingAdopted != null) {
            if (dyingChild != null) {
                dyingChild.destroyForcibly(); // started beside the adopted backup, which is the one on the links
            }
            killAndAwait(dyingAdopted.pid(), dyingAdopted::destroyForcibly, dyingAdopted.onExit(), then);
        } else if (dyingChild != null) {
            killAndAwait(dyingChild.pid(), dyingChild::destroyForcibly, dyingChild.onExit(), then);
        } else {
            then.run();
        }
    }

    private void killAndAwait(long pid, Runnable kill, CompletableFuture<?> exited, Runnable then) {
        kill.run();
        exited.orTimeout(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS).whenComplete((gone, timeout) ->
                node.loop().execute(() -> {
                    if (timeout != null) {
                        LOG.warn("backup pid {} was still alive {} after SIGKILL; closing its links anyway", pid,
                                Durations.text(KILL_WAIT));
                    }
                    then.run();
                }));
    }

    /** Kills the child, if any, without waiting (the caller is done with the backup either way), and forgets it. */
    void killChild() {
        if (child != null) {
            child.destroyForcibly();
            child = null;
        }
    }

    /** The child JVM of the current attempt, if this primary started one. */
    Optional<Process> child() {
        return Optional.ofNullable(child);
    }

    /** Forgets the child without touching it (late callbacks from it then match nothing). */
    void forgetChild() {
        child = null;
    }

    /** Forgets the child and the adopted old primary without touching them. */
    void forget() {
        child = null;
        adopted = null;
        adoptOnAcknowledgement = false;
        acknowledging = -1;
    }

    /** How the backup would know its primary if the two swapped roles now: by pid on this machine, else by address. */
    PrimaryHandle handleOfBackup() {
        return adopted != null ? new PrimaryHandle.Pid(adopted.pid())
                : child != null ? new PrimaryHandle.Pid(child.pid())
                : new PrimaryHandle.Address(config.peerBackupSap());
    }

    /** A child's exit status as an operator reads it: a signal's number, or the status and where the reason is. */
    static String howItEnded(int status) {
        return status > 128 ? "was killed by signal " + (status - 128)
                : status == OUT_OF_MEMORY ? "exited with status 3, as a JVM whose heap ran out does (give it a larger"
                        + " -Xmx with --backup-java-opts)"
                : "exited with status " + status + (status == 0 ? "" : " (its own log lines, labelled with its pid, say"
                        + " why; a JVM that could not start, for an option of --backup-java-opts it does not know say,"
                        + " says why in unlabelled lines)");
    }

    /**
     * The status of a JVM that ran out of heap ({@link OutOfMemoryExit}). Its own word for it ("Terminating due to
     * java.lang.OutOfMemoryError") goes to its standard output, which is not kept for a backup child: only this says
     * so.
     */
    private static final int OUT_OF_MEMORY = 3;
}
