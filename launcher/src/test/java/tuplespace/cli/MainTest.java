package tuplespace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The launcher builds only the subcommand it runs, and that one reads and prints as it does among all of them. */
class MainTest {

    @Test
    void aRunBuildsOnlyItsSubcommand() {
        assertThat(Main.commandLine("server", "--help").getSubcommands()).containsOnlyKeys("server");
        assertThat(Main.commandLine("status", "127.0.0.1:1").getSubcommands()).containsOnlyKeys("status");
    }

    @Test
    void helpNoCommandAndAnUnknownOneBuildThemAll() {
        for (String[] args : new String[][] {{}, {"help", "server"}, {"sever"}, {"--log-level=DEBUG", "server"}}) {
            assertThat(Main.commandLine(args).getSubcommands())
                    .containsOnlyKeys(Main.commandLine().getSubcommands().keySet().toArray(String[]::new));
        }
        assertThat(Main.commandLine().getSubcommands()).hasSize(9);
    }

    @Test
    void aSubcommandAloneShowsTheSameHelpAsAmongAllOfThem() {
        for (String name : Main.commandLine().getSubcommands().keySet()) {
            if (!name.equals("help")) {
                assertThat(help(Main.commandLine(name, "--help"), name)).isEqualTo(help(Main.commandLine(), name));
            }
        }
        assertThat(help(Main.commandLine("server", "--help"), "server"))
                .startsWith("Usage: tuplespace server ")
                .containsOnlyOnce("Run a server: the primary (it starts its own backup) or a backup.");
    }

    /** The command list shows each subcommand's first line of description, which its own help shows once. */
    @Test
    void theCommandListShowsTheFirstLineOfEachDescription() {
        String list = Main.commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertThat(list).contains("  proxy       Run the proxy: clients connect to it; it forwards to the primary.")
                .contains("  switchover  Make the backup the primary, for maintenance, with nothing lost.");
        assertThat(help(Main.commandLine(), "switchover"))
                .containsOnlyOnce("Make the backup the primary, for maintenance, with nothing lost.");
    }

    @Test
    void aMalformedArgumentOfASubcommandAloneExitsTwoNamingIt() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine("status", "not-a-sap");
        commandLine.setErr(new PrintWriter(err, true));
        assertThat(commandLine.execute("status", "not-a-sap")).isEqualTo(2);
        assertThat(err.toString()).contains("not-a-sap").contains("Usage: tuplespace status");
    }

    /**
     * The message stays in sight: a suggestion for a mistyped option, the short synopsis and where the help is follow
     * it, not the whole help.
     */
    @Test
    void aBadCommandLineShowsTheShortSynopsisAndWhereTheHelpIsNotTheWholeHelp() {
        StringWriter err = new StringWriter();
        String[] args = {"server", "127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3", "127.0.0.1:4", "null", "null", "null",
                "--fsinc", "always"};
        CommandLine commandLine = Main.commandLine(args);
        commandLine.setErr(new PrintWriter(err, true));
        assertThat(commandLine.execute(args)).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactly(
                "expected only the options and arguments tuplespace server --help lists, found '--fsinc', 'always'",
                "Possible solutions: --fsync",
                "Usage: tuplespace server [OPTIONS] SHUTDOWN_SAP PROXY_SAP BACKUP_SAP HEARTBEAT_SAP SAVE_FILE"
                        + " PRIMARY_HANDLE INIT_FILE",
                "All options: tuplespace server --help");

        StringWriter rootErr = new StringWriter();
        CommandLine root = Main.commandLine("statu", "127.0.0.1:1");
        root.setErr(new PrintWriter(rootErr, true));
        assertThat(root.execute("statu", "127.0.0.1:1")).isEqualTo(2);
        assertThat(rootErr.toString().lines()).startsWith("expected a command (proxy, server, client, shutdown, status,"
                + " promote, switchover, demo, help), found 'statu'", "Did you mean: tuplespace status?");
    }

    @Test
    void aWrongChoiceIsNamedWithTheChoices() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine("client", "127.0.0.1:1", "--output", "fancy");
        commandLine.setErr(new PrintWriter(err, true));
        assertThat(commandLine.execute("client", "127.0.0.1:1", "--output", "fancy")).isEqualTo(2);
        assertThat(err.toString()).contains("--output").contains("expected one of raw, readable, found 'fancy'");

        String[] proxy = {"proxy", "127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3", "--tls-on=fancy"};
        StringWriter proxyErr = new StringWriter();
        CommandLine proxyCommand = Main.commandLine(proxy);
        proxyCommand.setErr(new PrintWriter(proxyErr, true));
        assertThat(proxyCommand.execute(proxy)).isEqualTo(2);
        assertThat(proxyErr.toString()).contains("--tls-on: expected one of client, internal, both, found 'fancy'");
    }

    /** Asked for TLS on the primary port with nothing to give it, the proxy must not run in the clear instead. */
    @Test
    void tlsOnThePrimaryPortWithoutCertificatesExitsTwoNamingWhatIsMissing() {
        for (String where : new String[] {"internal", "both"}) {
            String[] proxy = {"proxy", "127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3", "--tls-on", where};
            StringWriter err = new StringWriter();
            CommandLine commandLine = Main.commandLine(proxy);
            commandLine.setErr(new PrintWriter(err, true));
            assertThat(commandLine.execute(proxy)).isEqualTo(2);
            assertThat(err.toString()).contains("--tls-on " + where + ": expected --tls-cert, --tls-key and --tls-ca"
                    + " for TLS on the primary port").contains("found none of them");
        }
    }

    /** A file or an argument that cannot serve is the caller's to fix: status 2 naming it, never "is it running?". */
    @Test
    void unusableFilesAndRequestsOfTheClientCommandsExitTwo(@TempDir Path directory) throws Exception {
        Path notACertificate = Files.writeString(directory.resolve("hostname"), "somehost\n");
        Path secretOthersMayRead = Files.writeString(directory.resolve("secret"), "s".repeat(32));
        Files.setPosixFilePermissions(secretOthersMayRead, PosixFilePermissions.fromString("rw-r--r--"));
        String[][] cases = {
                {"client", "127.0.0.1:1", "--tls-ca", notACertificate.toString(), "GET a,1 .*"},
                {"client", "127.0.0.1:1", "--tls-ca", directory.resolve("absent.pem").toString(), "GET a,1 .*"},
                {"client", "127.0.0.1:1", "GET a .*\nGET b .*"},
                {"client", "127.0.0.1:1", "GET a .*", ""},
                {"client", "127.0.0.1:1", "  "},
                {"status", "127.0.0.1:1", "--cluster-secret-file", secretOthersMayRead.toString()},
                {"shutdown", "127.0.0.1:1", "--cluster-secret-file", secretOthersMayRead.toString()}};
        String[] expected = {"--tls-ca: cannot use the trusted certificates " + notACertificate,
                "--tls-ca: cannot use the trusted certificates " + directory.resolve("absent.pem") + ": expected a"
                        + " readable PEM file, found no such file",
                "REQUEST: expected one request line, found a line break in 'GET a .*\\nGET b .*'",
                "REQUEST: expected a request such as 'GET user,.* .*', found an empty argument (request 2 of 2)",
                "REQUEST: expected a request such as 'GET user,.* .*', found a blank argument (request 1 of 1)",
                secretOthersMayRead.toString(), secretOthersMayRead.toString()};
        for (int i = 0; i < cases.length; i++) {
            StringWriter err = new StringWriter();
            CommandLine commandLine = Main.commandLine(cases[i]);
            commandLine.setErr(new PrintWriter(err, true));
            assertThat(commandLine.execute(cases[i])).as(String.join(" ", cases[i])).isEqualTo(2);
            assertThat(err.toString()).as(String.join(" ", cases[i])).contains(expected[i])
                    .doesNotContain("Is the service running");
        }
    }

    /** The launcher's and the proxy's own {@code --log-level} name the same levels in the same words. */
    @Test
    void anUnknownLogLevelExitsTwoNamingTheLevels() {
        for (String[] args : new String[][] {{"--log-level", "LOUD", "status", "127.0.0.1:1"},
                {"proxy", "127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3", "--log-level", "LOUD"}}) {
            StringWriter err = new StringWriter();
            CommandLine commandLine = Main.commandLine(args);
            commandLine.setErr(new PrintWriter(err, true));
            assertThat(commandLine.execute(args)).isEqualTo(2);
            assertThat(err.toString()).contains("--log-level: expected one of TRACE, DEBUG, INFO, WARN, ERROR, OFF,"
                    + " found 'LOUD'");
        }
    }

    /**
     * The proxy's own {@code --log-level} applies only when given: the launcher's level stood for every command but the
     * proxy, whose option's default (INFO) undid {@code ./tuplespace --log-level=DEBUG proxy ...}.
     */
    @Test
    void theLaunchersLogLevelHoldsForTheProxyUnlessItsOwnOptionIsGiven() {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.classic.Level levelBefore = root.getLevel();
        String propertyBefore = System.getProperty("tuplespace.log.level"); // the launcher's option sets it
        try {
            // a CLIENT_SAP on no address of this machine: the proxy stops at once, after applying its options
            String[] launcherLevel = {"--log-level", "DEBUG", "proxy", "192.0.2.1:7700", "127.0.0.1:0", "127.0.0.1:0"};
            CommandLine commandLine = Main.commandLine(launcherLevel);
            commandLine.setErr(new PrintWriter(new StringWriter(), true));
            assertThat(commandLine.execute(launcherLevel)).isNotZero();
            assertThat(root.getLevel()).isEqualTo(ch.qos.logback.classic.Level.DEBUG);

            String[] ownLevel = {"--log-level", "DEBUG", "proxy", "192.0.2.1:7700", "127.0.0.1:0", "127.0.0.1:0",
                    "--log-level", "WARN"};
            commandLine = Main.commandLine(ownLevel);
            commandLine.setErr(new PrintWriter(new StringWriter(), true));
            assertThat(commandLine.execute(ownLevel)).isNotZero();
            assertThat(root.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
        } finally {
            root.setLevel(levelBefore);
            if (propertyBefore == null) {
                System.clearProperty("tuplespace.log.level");
            } else {
                System.setProperty("tuplespace.log.level", propertyBefore);
            }
        }
    }

    /** {@code -V} is offered by every command's help, so every command answers it with the version. */
    @Test
    void everyCommandPrintsTheVersion() {
        for (String command : new String[] {"proxy", "server", "client", "status", "demo"}) {
            StringWriter out = new StringWriter();
            CommandLine commandLine = Main.commandLine(command, "-V");
            commandLine.setOut(new PrintWriter(out, true));
            assertThat(commandLine.execute(command, "-V")).as(command).isZero();
            assertThat(out.toString()).as(command).startsWith("tuplespace ");
        }
    }

    private static String help(CommandLine root, String subcommand) {
        return root.getSubcommands().get(subcommand).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }
}
