package tuplespace.node;

import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standby JVM a server keeps ready for the next backup it needs (docs/design.md "Failover"): started ahead of need
 * (hidden option {@code --standby}), it binds nothing and reads a pipe from this process; told to serve
 * ({@link BackupLauncher#release}) it becomes an ordinary backup of this process, and when the pipe ends (this process
 * died) it exits. A backup keeps one for the first backup it needs once it takes over, a primary for the next time it
 * loses its backup: either way no JVM has to start while the service runs on one copy. Only for child backups without
 * {@code --data-dir} (a standby's node directory would be the one its peer holds). On the node's event loop.
 */
final class Standby {

    private static final Logger LOG = LoggerFactory.getLogger(Standby.class);

    private final ServerNode node;
    private Process process;
    private boolean starting;
    private boolean closed;

    Standby(ServerNode node) {
        this.node = node;
    }

    /**
     * Starts a standby for a server with {@code config} unless one is kept or starting, the node is closing, or the
     * configuration rules it out. The fork runs off the loop.
     */
    void ensure(NodeConfig config) {
        if (closed || starting || ready() || !(config.backupStart() instanceof BackupStart.Child)
                || config.dataDir().isPresent()) {
            return;
        }
        starting = true;
        long ownPid = ProcessHandle.current().pid();
        NodeConfig standbyConfig = config.following(new PrimaryHandle.Pid(ownPid), Optional.empty()).standby(true);
        Thread launcher = new Thread(() -> {
            try {
                Process started = node.backupStarter().start(standbyConfig, ownPid);
                node.loop().execute(() -> kept(started));
            } catch (IOException | RuntimeException e) {
                node.loop().execute(() -> starting = false);
                LOG.warn("could not start a standby JVM ({}); the next backup starts a JVM of its own", e.toString());
            }
        }, "standby-launcher");
        launcher.setDaemon(true);
        launcher.start();
    }

    private void kept(Process started) {
        starting = false;
        if (closed) {
            started.destroyForcibly();
            return;
        }
        process = started;
        LOG.info("started standby pid {} for the next backup this server needs", started.pid());
    }

    /** A standby is kept and alive. */
    boolean ready() {
        return process != null && process.isAlive();
    }

    /** The standby kept, if it is alive, told to serve; it is no longer kept. Empty if there is none or it cannot be told. */
    Optional<Process> release() {
        Process taken = process;
        process = null;
        if (taken == null || !taken.isAlive()) {
            return Optional.empty();
        }
        try {
            BackupLauncher.release(taken);
            return Optional.of(taken);
        } catch (IOException e) {
            LOG.warn("standby pid {} could not be told to serve ({}); starting a backup instead", taken.pid(),
                    e.toString());
            taken.destroyForcibly();
            return Optional.empty();
        }
    }

    /** The node ends: a kept standby goes now (it would see its pipe end anyway), and none is started any more. */
    void close() {
        closed = true;
        if (process != null) {
            process.destroyForcibly();
            process = null;
        }
    }
}
