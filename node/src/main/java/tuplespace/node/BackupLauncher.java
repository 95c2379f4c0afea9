package tuplespace.node;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tuplespace.codec.auth.ClusterSecret;
import tuplespace.codec.tls.InternalTls;

/**
 * Starts the backup as a child JVM (README "Running it"): the same java binary and class path, {@link ServerMain}, the
 * primary's arguments 1-5, the primary's pid as PRIMARY_HANDLE, INIT_FILE null, and the same options.
 * Its stderr is inherited so its log lines show beside the primary's. It starts with the options of every service JVM
 * ({@link ServiceJvm}): when the class path is one jar with a {@link ClassArchive} beside it, the child maps its
 * classes from it (a backup JVM starts faster, so the service runs on one copy for less time), and it asks for huge
 * pages where the kernel gives them ({@link HugePages}: a backup promoted and later killed lets go of its links
 * sooner).
 */
final class BackupLauncher {

    /** How the primary starts its backup child: {@link BackupLauncher#start}, or a stand-in in tests. */
    @FunctionalInterface
    interface Starter {
        Process start(NodeConfig config, long primaryPid) throws IOException;
    }

    private BackupLauncher() {
    }

    /**
     * Starts the child. A standby ({@link NodeConfig#standby}) reads its standard input from a pipe: {@link
     * #release} tells it to serve, and the pipe's end (this process gone) tells it to exit.
     */
    static Process start(NodeConfig config, long primaryPid) throws IOException {
        return new ProcessBuilder(command(config, primaryPid))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectInput(config.standby() ? ProcessBuilder.Redirect.PIPE
                        : ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
    }

    /** Tells a standby started by this process to serve: it binds BACKUP_SAP and waits for its primary (this one). */
    static void release(Process standby) throws IOException {
        standby.getOutputStream().write(STANDBY_RELEASE);
        standby.getOutputStream().flush();
    }

    /** The line a standby waits for on its standard input. */
    static final byte[] STANDBY_RELEASE = "serve\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    static List<String> command(NodeConfig config, long primaryPid) {
        return command(config, primaryPid, System.getProperty("java.class.path"));
    }

    static List<String> command(NodeConfig config, long primaryPid, String classPath) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ServiceJvm.options(ServiceJvm.Program.SERVER, classPath, config.backupJavaOptions()));
        command.add("-cp");
        command.add(classPath);
        command.add(ServerMain.class.getName());
        command.add(NodeNetwork.describe(config.shutdownSap()));
        command.add(NodeNetwork.describe(config.proxySap()));
        command.add(NodeNetwork.describe(config.backupSap()));
        command.add(NodeNetwork.describe(config.heartbeatSap()));
        command.add(config.saveFile().map(Path::toString).orElse(ServerCommand.NULL));
        command.add(Long.toString(primaryPid));
        command.add(ServerCommand.NULL);
        command.addAll(sharedOptions(config));
        command.addAll(dataDirectoryOptions(config));
        if (config.standby()) {
            command.add("--standby");
        }
        if (!config.backupJavaOptions().isEmpty()) {
            command.add("--backup-java-opts=" + String.join(" ", config.backupJavaOptions()));
        }
        return command;
    }

    /**
     * With a data directory, where the backup ({@code config}, as {@link ServerNode#backupConfig()} gives it) keeps its
     * node directory: {@code --data-dir}, {@code --fsync} and {@code --node-id}; nothing without one.
     */
    static List<String> dataDirectoryOptions(NodeConfig config) {
        List<String> options = new ArrayList<>();
        config.dataDir().ifPresent(dir -> {
            options.add("--data-dir=" + dir.toAbsolutePath());
            options.add("--fsync=" + config.fsync().optionName()); // without a data directory it means nothing
        });
        config.nodeId().ifPresent(id -> options.add("--node-id=" + id));
        return options;
    }

    /**
     * The options a backup must share with its primary, wherever it runs: failure detection, replication, limits,
     * the operator's notify command and the link security (files named as the primary sees them).
     */
    static List<String> sharedOptions(NodeConfig config) {
        List<String> options = new ArrayList<>();
        options.add("--heartbeat-interval=" + duration(config.heartbeatInterval()));
        options.add("--heartbeat-misses=" + config.heartbeatMisses());
        options.add("--replication=" + config.replication().word());
        options.add("--backup-restarts=" + config.backupRestarts());
        options.add("--on-backup-loss=" + config.onBackupLoss().name().toLowerCase(java.util.Locale.ROOT));
        options.add("--primary-register-timeout=" + duration(config.primaryRegisterTimeout()));
        options.add("--backup-orphan-timeout=" + duration(config.backupOrphanTimeout()));
        options.add("--match-budget=" + duration(config.matchBudget()));
        options.add("--request-cpu-limit=" + duration(config.requestCpuLimit()));
        config.notifyCommand().ifPresent(notify -> options.add("--notify=" + notify));
        config.linkSecurity().clusterSecret().ifPresent(secret ->
                options.add(ClusterSecret.OPTION + "=" + secret.file()));
        config.linkSecurity().tls().map(InternalTls::settings).ifPresent(tls -> {
            options.add("--tls-cert=" + tls.certificate().toAbsolutePath());
            options.add("--tls-key=" + tls.privateKey().toAbsolutePath());
            tls.trusted().ifPresent(ca -> options.add("--tls-ca=" + ca.toAbsolutePath()));
        });
        return options;
    }

    private static String duration(Duration duration) {
        return duration.toNanos() + "ns";
    }
}
