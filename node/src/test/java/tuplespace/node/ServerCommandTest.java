package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import tuplespace.node.persistence.FsyncMode;

@Timeout(10)
class ServerCommandTest {

    private static final String[] GOOD = {"127.0.0.1:7001", "127.0.0.1:7002", "127.0.0.1:7003", "127.0.0.1:7004",
            "space.json", "null", "null"};

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = new CommandLine(new ServerCommand());
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        return commandLine.execute(args);
    }

    private static String[] with(int index, String value) {
        String[] args = GOOD.clone();
        args[index] = value;
        return args;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0|localhost|SHUTDOWN_SAP|expected host:port",
            "1|127.0.0.1:99999|PROXY_SAP|port 99999 is too big",
            "1|127.0.0.1:0|PROXY_SAP|1-65535",
            "3|[::1:7004|HEARTBEAT_SAP|unbalanced",
            "2|127.0.0.1:x|BACKUP_SAP|'x'",
            "5|abc|PRIMARY_HANDLE|found 'abc'",
            "5|-3|PRIMARY_HANDLE|positive",
            "5|host:|PRIMARY_HANDLE|host:port"})
    void aMalformedArgumentExitsWithTwoAndNamesIt(int index, String value, String name, String detail) {
        assertThat(run(with(index, value))).isEqualTo(2);
        assertThat(err.toString()).contains(name).contains(detail);
    }

    /**
     * Two of the server's own ports given as one is a usage error naming both, not a bind failure seconds later. The
     * proxy's PROXY_SAP is not one of them: a server listening on every address may use its port number.
     */
    @Test
    void onePortGivenForTwoOfItsSapsIsAUsageError() {
        assertThat(run(with(3, GOOD[0]))).isEqualTo(2);
        assertThat(err.toString()).contains("HEARTBEAT_SAP: expected a port of its own, found 127.0.0.1:7001, the port"
                + " of SHUTDOWN_SAP (127.0.0.1:7001)");
        ServerCommand wildcard = new ServerCommand();
        new CommandLine(wildcard).parseArgs("0.0.0.0:7002", "127.0.0.1:7002", "0.0.0.0:7003", "0.0.0.0:7004", "null",
                "null", "null");
        assertThat(wildcard.toConfig().proxySap().getPort()).isEqualTo(7002);
    }

    /** A SAVE_FILE in a directory that does not exist is named at start, not only when SHUTDOWN cannot save. */
    @Test
    void aSaveFileWhoseDirectoryIsMissingIsNamedAtStart() {
        Path missing = Path.of("no-such-directory-here", "space.json");
        ServerCommand command = new ServerCommand();
        new CommandLine(command).parseArgs(with(4, missing.toString()));
        assertThat(ServerCommand.saveFileOutOfReach(command.toConfig())).contains("SAVE_FILE " + missing + ": expected"
                + " its directory to exist, found no directory " + missing.toAbsolutePath().getParent() + "; SHUTDOWN"
                + " saves there first and refuses to stop the service until it can");
        ServerCommand good = new ServerCommand();
        new CommandLine(good).parseArgs(GOOD);
        assertThat(ServerCommand.saveFileOutOfReach(good.toConfig())).isEmpty();
    }

    /** An option that changes nothing for the server it is given to is named, with what the server does instead. */
    @Test
    void optionsThatChangeNothingForThisServerAreNamed() {
        assertThat(ineffectiveOptions("--fsync", "always")).containsExactly("--fsync always has no effect without"
                + " --data-dir: this server keeps its state in memory only");
        assertThat(ineffectiveOptions("--data-dir", "data", "--node-id", "c")).containsExactly("--node-id c has no"
                + " effect on a primary (PRIMARY_HANDLE null): it serves whichever node directory of --data-dir holds"
                + " the newest state, and makes DIR/node-a when there is none; --node-id names the node directory of a"
                + " backup you start");
        assertThat(ineffectiveOptions("--data-dir", "data", "--fsync", "always")).isEmpty();
        assertThat(ineffectiveOptions("--node-id", "b")).containsExactly("--node-id b has no effect without"
                + " --data-dir: it names a backup's node directory in DIR");
        String[] backup = with(5, "127.0.0.1:7005");
        assertThat(ineffectiveOptions(backup, "--data-dir", "data", "--node-id", "b")).isEmpty();
    }

    private static List<String> ineffectiveOptions(String... options) {
        return ineffectiveOptions(GOOD, options);
    }

    private static List<String> ineffectiveOptions(String[] arguments, String... options) {
        ServerCommand command = new ServerCommand();
        new CommandLine(command).parseArgs(Stream.concat(Arrays.stream(arguments), Arrays.stream(options))
                .toArray(String[]::new));
        return command.ineffectiveOptions(command.toConfig());
    }

    @Test
    void aMalformedOptionExitsWithTwoAndNamesIt() {
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(GOOD),
                java.util.stream.Stream.of("--heartbeat-interval", "fast")).toArray(String[]::new);
        assertThat(run(args)).isEqualTo(2);
        assertThat(err.toString()).contains("--heartbeat-interval").contains("found 'fast'");
        err.getBuffer().setLength(0);
        args[args.length - 2] = "--replication";
        args[args.length - 1] = "maybe";
        assertThat(run(args)).isEqualTo(2);
        assertThat(err.toString()).contains("--replication: expected one of sync, async, found 'maybe'");
        err.getBuffer().setLength(0);
        args[args.length - 2] = "--heartbeat-interval";
        args[args.length - 1] = "200";
        assertThat(run(args)).as("a number without a unit").isEqualTo(2);
        assertThat(err.toString()).contains("--heartbeat-interval").contains("such as 200ms or 200s, found '200'");
        err.getBuffer().setLength(0);
        args[args.length - 1] = "0ms";
        assertThat(run(args)).as("a zero interval").isEqualTo(2);
        assertThat(err.toString()).contains("--heartbeat-interval: expected a positive duration, found 0s");
        err.getBuffer().setLength(0);
        args[args.length - 2] = "--backup-orphan-timeout";
        assertThat(run(args)).as("a zero orphan timeout").isEqualTo(2);
        assertThat(err.toString()).contains("--backup-orphan-timeout: expected a positive duration, found 0s");
    }

    @Test
    void missingArgumentsExitWithTwo() {
        assertThat(run("127.0.0.1:7001")).isEqualTo(2);
        assertThat(err.toString()).contains("PROXY_SAP");
    }

    @Test
    void defaultsAndNullsBecomeTheConfig() {
        ServerCommand command = new ServerCommand();
        new CommandLine(command).parseArgs(GOOD);
        NodeConfig config = command.toConfig();
        assertThat(config.startsAsPrimary()).isTrue();
        assertThat(config.initFile()).isEmpty();
        assertThat(config.saveFile()).contains(Path.of("space.json"));
        assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.replication()).isEqualTo(ReplicationMode.SYNC);
        assertThat(config.onBackupLoss()).isEqualTo(BackupLossPolicy.DEGRADE);
        assertThat(config.matchBudget()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.requestCpuLimit()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.dataDir()).as("without --data-dir: memory only, as before").isEmpty();
        assertThat(config.fsync()).isEqualTo(FsyncMode.ALWAYS);
    }

    @Test
    void aMalformedFsyncModeExitsWithTwoAndNamesTheChoices() {
        assertThat(run(append(GOOD, "--data-dir", "data", "--fsync", "sometimes"))).isEqualTo(2);
        assertThat(err.toString()).contains("--fsync: expected one of always, everysec, no, found 'sometimes'");
    }

    @Test
    void theBackupGetsTheDataDirTheFsyncModeAndTheOtherNodesId() {
        ServerCommand command = new ServerCommand();
        new CommandLine(command).parseArgs(append(GOOD, "--data-dir", "data", "--fsync", "everysec"));
        NodeConfig primary = command.toConfig();
        java.util.List<String> launched = BackupLauncher.command(primary.forBackup(java.util.Optional.of("b")), 4242);
        java.util.List<String> args = launched.subList(launched.indexOf(ServerMain.class.getName()) + 1, launched.size());
        ServerCommand backupCommand = new ServerCommand();
        new CommandLine(backupCommand).parseArgs(args.toArray(String[]::new));
        NodeConfig backup = backupCommand.toConfig();
        assertThat(backup.dataDir()).contains(Path.of("data").toAbsolutePath());
        assertThat(backup.fsync()).isEqualTo(FsyncMode.EVERYSEC);
        assertThat(backup.nodeId()).contains("b");
    }

    /** The unauthenticated-links WARN is logged once per server an operator started: not again by its children. */
    @Test
    void onlyAServerAnOperatorStartedLogsTheStartUpWarnings() {
        ServerCommand command = new ServerCommand();
        new CommandLine(command).parseArgs(append(GOOD, "--data-dir", "data"));
        NodeConfig primary = command.toConfig();
        java.util.List<String> launched = BackupLauncher.command(primary.forBackup(java.util.Optional.of("b")), 4242);
        ServerCommand childCommand = new ServerCommand();
        new CommandLine(childCommand).parseArgs(launched.subList(launched.indexOf(ServerMain.class.getName()) + 1,
                launched.size()).toArray(String[]::new));
        ServerCommand remoteBackup = new ServerCommand();
        new CommandLine(remoteBackup).parseArgs(with(5, "10.0.0.1:7001"));

        assertThat(ServerNode.startedByAnOperator(primary)).isTrue();
        assertThat(ServerNode.startedByAnOperator(childCommand.toConfig())).isFalse();
        assertThat(ServerNode.startedByAnOperator(remoteBackup.toConfig())).isTrue();
    }

    @Test
    void theBackupIsStartedWithTheSameSettingsAndItsPrimarysPid() {
        ServerCommand command = new ServerCommand();
        new CommandLine(command).parseArgs(append(with(0, "[::1]:7001"), "--request-cpu-limit", "3s",
                "--backup-orphan-timeout", "12s"));
        NodeConfig primary = command.toConfig();
        java.util.List<String> launched = BackupLauncher.command(primary, 4242);
        int main = launched.indexOf(ServerMain.class.getName());
        java.util.List<String> args = launched.subList(main + 1, launched.size());
        ServerCommand backupCommand = new ServerCommand();
        new CommandLine(backupCommand).parseArgs(args.toArray(String[]::new));
        NodeConfig backup = backupCommand.toConfig();
        assertThat(backup.primaryHandle()).hasValue(new PrimaryHandle.Pid(4242));
        assertThat(backup.initFile()).isEmpty();
        assertThat(backup.shutdownSap()).isEqualTo(primary.shutdownSap());
        assertThat(backup.heartbeatInterval()).isEqualTo(primary.heartbeatInterval());
        assertThat(backup.heartbeatMisses()).isEqualTo(primary.heartbeatMisses());
        assertThat(backup.matchBudget()).isEqualTo(primary.matchBudget());
        assertThat(backup.requestCpuLimit()).isEqualTo(Duration.ofSeconds(3));
        assertThat(backup.backupOrphanTimeout()).isEqualTo(Duration.ofSeconds(12));
    }

    @Test
    void aServerOnAnotherMachineKnowsItsPrimaryByAddressItsPeerAndHowItsBackupStarts() {
        ServerCommand command = new ServerCommand();
        new CommandLine(command).parseArgs(append(with(5, "10.0.0.1:7010"), "--peer-backup-sap", "10.0.0.1:7011",
                "--backup-start", "ssh a ./start-backup"));
        NodeConfig config = command.toConfig();
        assertThat(config.primaryHandle()).hasValueSatisfying(handle ->
                assertThat(handle).isEqualTo(new PrimaryHandle.Address(new java.net.InetSocketAddress("10.0.0.1", 7010))));
        assertThat(config.primaryPid()).as("no pid to fence on another machine").isEmpty();
        assertThat(config.peerBackupSap()).isEqualTo(new java.net.InetSocketAddress("10.0.0.1", 7011));
        assertThat(config.backupStart()).isEqualTo(new BackupStart.Command("ssh a ./start-backup"));
    }

    @Test
    void byDefaultTheBackupIsAChildListeningOnBackupSap() {
        ServerCommand command = new ServerCommand();
        new CommandLine(command).parseArgs(GOOD);
        NodeConfig config = command.toConfig();
        assertThat(config.backupStart()).isEqualTo(new BackupStart.Child());
        assertThat(config.peerBackupSap()).isEqualTo(config.backupSap());
        assertThat(BackupStart.parse("none")).isEqualTo(new BackupStart.None());
        assertThat(run(append(GOOD, "--backup-start", " "))).isEqualTo(2);
        assertThat(err.toString()).contains("--backup-start").contains("empty");
    }

    @Test
    void aBackupStartCommandGetsTheBackupsOptionsQuotedForTheShell() throws Exception {
        ServerCommand command = new ServerCommand();
        new CommandLine(command).parseArgs(append(GOOD, "--notify", "echo 'it''s' \"$X\"", "--peer-backup-sap",
                "10.0.0.2:7011"));
        NodeConfig config = command.toConfig();
        java.util.Map<String, String> env = BackupCommand.environment(config, 3);
        assertThat(env).containsEntry("TUPLESPACE_PRIMARY_HANDLE", "127.0.0.1:7001")
                .containsEntry("TUPLESPACE_PROXY_SAP", "127.0.0.1:7002")
                .containsEntry("TUPLESPACE_BACKUP_SAP", "10.0.0.2:7011")
                .containsEntry("TUPLESPACE_EPOCH", "3");
        // the shell gives back exactly the words the primary meant
        ProcessBuilder builder = new ProcessBuilder("sh", "-c",
                "eval \"set -- $TUPLESPACE_BACKUP_OPTIONS\"; printf '%s\\n' \"$@\"").redirectErrorStream(true);
        builder.environment().putAll(env);
        Process printed = builder.start();
        java.util.List<String> words = new String(printed.getInputStream().readAllBytes()).lines().toList();
        assertThat(printed.waitFor()).isZero();
        assertThat(words).isEqualTo(BackupLauncher.sharedOptions(config)).contains("--notify=echo 'it''s' \"$X\"");
    }

    /** With a data directory, a backup started by the command needs its own node directory too: it is passed on. */
    @Test
    void theBackupCommandIsToldTheBackupsNodeDirectory() {
        ServerCommand command = new ServerCommand();
        new CommandLine(command).parseArgs(append(GOOD, "--peer-backup-sap", "10.0.0.2:7011", "--data-dir", "/srv/ts",
                "--fsync", "everysec"));
        NodeConfig backup = command.toConfig().forBackup(Optional.of("b"));
        assertThat(BackupCommand.environment(backup, 3).get("TUPLESPACE_BACKUP_OPTIONS"))
                .endsWith("'--data-dir=/srv/ts' '--fsync=everysec' '--node-id=b'");
    }

    private static String[] append(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }

    @Test
    void durationsAcceptTheUsualSpellings() {
        assertThat(ArgumentConverters.parseDuration("50ms")).isEqualTo(Duration.ofMillis(50));
        assertThat(ArgumentConverters.parseDuration("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(ArgumentConverters.parseDuration("PT0.5S")).isEqualTo(Duration.ofMillis(500));
        assertThat(ArgumentConverters.parseDuration("1500000ns")).isEqualTo(Duration.ofNanos(1_500_000));
    }

    /** The guess read ahead: the directory picocli will parse from the same arguments, whichever way it is given. */
    @Test
    void theDataDirectoryReadAheadIsTheOnePicocliParses() {
        String[] separate = {GOOD[0], GOOD[1], GOOD[2], GOOD[3], "null", "null", "null", "--fsync", "always",
                "--data-dir", "/var/lib/ts"};
        String[] joined = {GOOD[0], GOOD[1], GOOD[2], GOOD[3], "null", "null", "null", "--data-dir=/var/lib/ts"};

        for (String[] args : new String[][] {separate, joined}) {
            assertThat(ServerCommand.dataDirIn(args)).contains(Path.of("/var/lib/ts"))
                    .isEqualTo(ServerCommand.config(args).dataDir());
        }
        assertThat(ServerCommand.dataDirIn(GOOD)).isEmpty();
        assertThat(ServerCommand.dataDirIn(GOOD[0], "--data-dir")).isEmpty();
        assertThat(ServerCommand.dataDirIn(GOOD[0], "--data-dir", "null")).isEmpty();
    }

    /**
     * A server's start keeps SLF4J's warning about logger calls made while logging was set up (by the threads reading
     * the log ahead, replayed once it is) off stderr, where it was three lines outside the log's format; a setting the
     * JVM was started with wins.
     */
    @Test
    void aServersStartLeavesSlf4jsOwnReportsToErrorsUnlessTheJvmSaysOtherwise() {
        String before = System.getProperty(ServerCommand.SLF4J_VERBOSITY);
        try {
            System.clearProperty(ServerCommand.SLF4J_VERBOSITY);
            ServerCommand.readAhead(GOOD).close();
            assertThat(System.getProperty(ServerCommand.SLF4J_VERBOSITY)).isEqualTo("ERROR");

            System.setProperty(ServerCommand.SLF4J_VERBOSITY, "DEBUG");
            ServerCommand.readAhead(GOOD).close();
            assertThat(System.getProperty(ServerCommand.SLF4J_VERBOSITY)).isEqualTo("DEBUG");
        } finally {
            if (before == null) {
                System.clearProperty(ServerCommand.SLF4J_VERBOSITY);
            } else {
                System.setProperty(ServerCommand.SLF4J_VERBOSITY, before);
            }
        }
    }
}
