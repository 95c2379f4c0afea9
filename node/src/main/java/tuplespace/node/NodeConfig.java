package tuplespace.node;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import tuplespace.codec.Durations;
import tuplespace.codec.auth.LinkSecurity;
import tuplespace.node.persistence.FsyncMode;

/**
 * Everything a server process is started with (README "Running it"), validated: the positional addresses and files
 * and the tuning options. A backup child gets the same settings with its primary's pid as handle.
 *
 * <p>The positional SAPs are this server's own (it binds BACKUP_SAP as a backup, SHUTDOWN_SAP and HEARTBEAT_SAP as a
 * primary); {@code peerBackupSap} is where its backup listens (the same BACKUP_SAP for a child on this machine, the
 * other server's on another).
 *
 * @param backupOrphanTimeout how long a child backup (its primary handle is a pid) waits for that primary to connect
 *                            before it exits: it holds nothing yet
 * @param linkSecurity the cluster secret every internal link and the admin port require, if any
 * @param standby a backup started ahead of need by a backup (docs/design.md "Failover"): it binds nothing until told to
 *                serve on its standard input, and exits when that input ends first (its starter died)
 */
public record NodeConfig(
        InetSocketAddress shutdownSap,
        InetSocketAddress proxySap,
        InetSocketAddress backupSap,
        InetSocketAddress heartbeatSap,
        Optional<Path> saveFile,
        Optional<PrimaryHandle> primaryHandle,
        Optional<Path> initFile,
        Duration heartbeatInterval,
        int heartbeatMisses,
        ReplicationMode replication,
        int backupRestarts,
        BackupLossPolicy onBackupLoss,
        Duration primaryRegisterTimeout,
        Duration backupOrphanTimeout,
        Duration matchBudget,
        Duration requestCpuLimit,
        Optional<String> notifyCommand,
        List<String> backupJavaOptions,
        Optional<Path> dataDir,
        FsyncMode fsync,
        Optional<String> nodeId,
        LinkSecurity linkSecurity,
        InetSocketAddress peerBackupSap,
        BackupStart backupStart,
        boolean standby) {

    /** The settings of a server process that is not a standby. */
    public NodeConfig(InetSocketAddress shutdownSap, InetSocketAddress proxySap, InetSocketAddress backupSap,
                      InetSocketAddress heartbeatSap, Optional<Path> saveFile, Optional<PrimaryHandle> primaryHandle,
                      Optional<Path> initFile, Duration heartbeatInterval, int heartbeatMisses,
                      ReplicationMode replication, int backupRestarts, BackupLossPolicy onBackupLoss,
                      Duration primaryRegisterTimeout, Duration backupOrphanTimeout, Duration matchBudget,
                      Duration requestCpuLimit,
                      Optional<String> notifyCommand, List<String> backupJavaOptions, Optional<Path> dataDir,
                      FsyncMode fsync, Optional<String> nodeId, LinkSecurity linkSecurity,
                      InetSocketAddress peerBackupSap, BackupStart backupStart) {
        this(shutdownSap, proxySap, backupSap, heartbeatSap, saveFile, primaryHandle, initFile, heartbeatInterval,
                heartbeatMisses, replication, backupRestarts, onBackupLoss, primaryRegisterTimeout, backupOrphanTimeout,
                matchBudget, requestCpuLimit, notifyCommand, backupJavaOptions, dataDir, fsync, nodeId, linkSecurity,
                peerBackupSap, backupStart, false);
    }

    public NodeConfig {
        Objects.requireNonNull(shutdownSap, "shutdownSap");
        Objects.requireNonNull(proxySap, "proxySap");
        Objects.requireNonNull(backupSap, "backupSap");
        Objects.requireNonNull(heartbeatSap, "heartbeatSap");
        Objects.requireNonNull(saveFile, "saveFile");
        Objects.requireNonNull(primaryHandle, "primaryHandle");
        Objects.requireNonNull(initFile, "initFile");
        Durations.requirePositive("--heartbeat-interval", heartbeatInterval);
        Durations.requirePositive("--primary-register-timeout", primaryRegisterTimeout);
        Durations.requirePositive("--backup-orphan-timeout", backupOrphanTimeout);
        Durations.requirePositive("--match-budget", matchBudget);
        Durations.requirePositive("--request-cpu-limit", requestCpuLimit);
        if (heartbeatMisses < 1) {
            throw new IllegalArgumentException("--heartbeat-misses: expected a number >= 1, found " + heartbeatMisses);
        }
        if (backupRestarts < 0) {
            throw new IllegalArgumentException("--backup-restarts: expected a number >= 0, found " + backupRestarts);
        }
        Objects.requireNonNull(replication, "replication");
        Objects.requireNonNull(onBackupLoss, "onBackupLoss");
        Objects.requireNonNull(notifyCommand, "notifyCommand");
        backupJavaOptions = List.copyOf(backupJavaOptions);
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(fsync, "fsync");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(linkSecurity, "linkSecurity");
        Objects.requireNonNull(peerBackupSap, "peerBackupSap");
        Objects.requireNonNull(backupStart, "backupStart");
        if (standby && primaryHandle.isEmpty()) {
            throw new IllegalArgumentException("--standby: expected PRIMARY_HANDLE (the backup that started it), found"
                    + " null");
        }
        if (dataDir.isPresent() && primaryHandle.isPresent() && nodeId.isEmpty()) {
            throw new IllegalArgumentException("--node-id: expected the backup's node id with --data-dir, found none"
                    + " (a primary passes it to a backup it starts; one you start on its own machine takes b, or the"
                    + " id of the node directory already in DIR there)");
        }
    }

    /** The same settings for a backup child whose node directory is {@code DIR/node-<backupNodeId>}. */
    NodeConfig forBackup(Optional<String> backupNodeId) {
        return new NodeConfig(shutdownSap, proxySap, backupSap, heartbeatSap, saveFile, primaryHandle,
                Optional.empty(), heartbeatInterval, heartbeatMisses, replication, backupRestarts, onBackupLoss,
                primaryRegisterTimeout, backupOrphanTimeout, matchBudget, requestCpuLimit, notifyCommand,
                backupJavaOptions, dataDir, fsync, backupNodeId, linkSecurity, peerBackupSap, backupStart);
    }

    /** The same settings, for a standby ({@code true}) or a server that serves at once. */
    NodeConfig standby(boolean asStandby) {
        return new NodeConfig(shutdownSap, proxySap, backupSap, heartbeatSap, saveFile, primaryHandle, initFile,
                heartbeatInterval, heartbeatMisses, replication, backupRestarts, onBackupLoss, primaryRegisterTimeout,
                backupOrphanTimeout, matchBudget, requestCpuLimit, notifyCommand, backupJavaOptions, dataDir, fsync,
                nodeId, linkSecurity, peerBackupSap, backupStart, asStandby);
    }

    /** Settings as before, with the peer's BACKUP_SAP and how the backup starts. */
    NodeConfig withPeer(InetSocketAddress newPeerBackupSap, BackupStart newBackupStart) {
        return new NodeConfig(shutdownSap, proxySap, backupSap, heartbeatSap, saveFile, primaryHandle, initFile,
                heartbeatInterval, heartbeatMisses, replication, backupRestarts, onBackupLoss, primaryRegisterTimeout,
                backupOrphanTimeout, matchBudget, requestCpuLimit, notifyCommand, backupJavaOptions, dataDir, fsync,
                nodeId, linkSecurity, newPeerBackupSap, newBackupStart);
    }

    /**
     * Settings as before, as the backup of {@code primary} (a primary that stepped down in a switchover), keeping the
     * node directory {@code DIR/node-<ownNodeId>} it has open, if any.
     */
    NodeConfig following(PrimaryHandle primary, Optional<String> ownNodeId) {
        return new NodeConfig(shutdownSap, proxySap, backupSap, heartbeatSap, saveFile, Optional.of(primary), initFile,
                heartbeatInterval, heartbeatMisses, replication, backupRestarts, onBackupLoss, primaryRegisterTimeout,
                backupOrphanTimeout, matchBudget, requestCpuLimit, notifyCommand, backupJavaOptions, dataDir, fsync,
                ownNodeId, linkSecurity, peerBackupSap, backupStart);
    }

    /** The primary on the same machine, whose pid the backup kills before it takes over, if it is one. */
    Optional<Long> primaryPid() {
        return primaryHandle.filter(PrimaryHandle.Pid.class::isInstance).map(handle -> ((PrimaryHandle.Pid) handle).pid());
    }

    /** The bounds on a GET's or DELETE's pattern matching. */
    MatchLimits matchLimits() {
        return new MatchLimits(matchBudget, requestCpuLimit);
    }

    /** Started without a primary handle: this process is the primary. */
    public boolean startsAsPrimary() {
        return primaryHandle.isEmpty();
    }

}
