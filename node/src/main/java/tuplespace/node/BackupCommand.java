package tuplespace.node;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code --backup-start COMMAND}: runs {@code sh -c COMMAND} to start (or restart) the backup on another machine, with
 * what that backup needs to know in the environment (README "On several machines"):
 * <ul>
 *   <li>{@code TUPLESPACE_PRIMARY_HANDLE}: this primary's SHUTDOWN_SAP, the backup's PRIMARY_HANDLE;</li>
 *   <li>{@code TUPLESPACE_PROXY_SAP}: the proxy's PRIMARY_SAP;</li>
 *   <li>{@code TUPLESPACE_BACKUP_SAP}: where the backup must listen ({@code --peer-backup-sap});</li>
 *   <li>{@code TUPLESPACE_EPOCH}: the epoch it will follow;</li>
 *   <li>{@code TUPLESPACE_BACKUP_OPTIONS}: the options it must share with this primary (heartbeats, replication,
 *       limits, link security; with a data directory its own, {@code --data-dir}, {@code --fsync} and
 *       {@code --node-id}), files named as this primary names them, each word shell-quoted, for {@code eval} (or an
 *       ssh command line, which the remote shell parses again).</li>
 * </ul>
 * Its output goes to this process's stderr, beside the log.
 */
final class BackupCommand {

    private BackupCommand() {
    }

    /** Runs {@code command} for a backup of {@code config} ({@link ServerNode#backupConfig()}), of {@code epoch}. */
    static Process start(BackupStart.Command command, NodeConfig config, long epoch) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", command.command())
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(environment(config, epoch));
        return builder.start();
    }

    static Map<String, String> environment(NodeConfig config, long epoch) {
        return Map.of(
                "TUPLESPACE_PRIMARY_HANDLE", NodeNetwork.describe(config.shutdownSap()),
                "TUPLESPACE_PROXY_SAP", NodeNetwork.describe(config.proxySap()),
                "TUPLESPACE_BACKUP_SAP", NodeNetwork.describe(config.peerBackupSap()),
                "TUPLESPACE_EPOCH", Long.toString(epoch),
                "TUPLESPACE_BACKUP_OPTIONS", shellQuoted(backupOptions(config)));
    }

    private static List<String> backupOptions(NodeConfig config) {
        List<String> options = new ArrayList<>(BackupLauncher.sharedOptions(config));
        options.addAll(BackupLauncher.dataDirectoryOptions(config));
        return options;
    }

    /** Each word in single quotes (a quote inside becomes '\''), separated by spaces. */
    static String shellQuoted(List<String> words) {
        return words.stream().map(word -> "'" + word.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
    }
}
