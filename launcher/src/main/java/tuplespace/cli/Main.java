package tuplespace.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import org.slf4j.LoggerFactory;
import tuplespace.cli.ClientCommand;
import tuplespace.cli.PromoteCommand;
import tuplespace.cli.ShutdownCommand;
import tuplespace.cli.StatusCommand;
import tuplespace.codec.netty.NettyJfr;
import tuplespace.demo.DemoCommand;
import tuplespace.node.ServerCommand;
import tuplespace.proxy.ProxyCommand;

/**
 * The launcher: {@code ./tuplespace COMMAND ...} (SPEC §3). One picocli root whose subcommands are the
 * processes of the service and the tools around it. Malformed arguments exit with status 2 (picocli's usage
 * code) and a message naming the argument, what was expected and what was given.
 */
@Command(name = "tuplespace", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A fault-tolerant tuple space service: a proxy, a primary and a backup.",
        footer = {"", "Start with: ./tuplespace demo"})
public final class Main implements Runnable {

    @Spec
    private CommandSpec spec;

    @Option(names = "--log-level", paramLabel = "LEVEL",
            description = "Log level on stderr: ERROR, WARN, INFO (default), DEBUG or TRACE. "
                    + "Also -Dtuplespace.log.level or TUPLESPACE_LOG_LEVEL.")
    void logLevel(String level) {
        Level parsed = Level.toLevel(level, null);
        if (parsed == null) {
            throw new ParameterException(spec.commandLine(),
                    "expected --log-level to be one of ERROR, WARN, INFO, DEBUG, TRACE, found '" + level + "'");
        }
        // The demo hands the level on to its children through this property.
        System.setProperty("tuplespace.log.level", parsed.toString());
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(parsed);
        }
    }

    public static void main(String[] args) {
        NettyJfr.offUnlessAsked(); // the service's processes and the client alike
        System.exit(commandLine().execute(args));
    }

    /** The launcher's command line, with every subcommand; tests run it in-process. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        // The service processes' own commands live in their modules; listed first, as in SPEC §3.
        commandLine.addSubcommand(new ProxyCommand());
        headline(commandLine, "proxy", "Run the proxy: clients connect to it; it forwards to the primary.");
        commandLine.addSubcommand(new ServerCommand());
        headline(commandLine, "server", "Run a server: the primary (it starts its own backup) or a backup.");
        commandLine.addSubcommand(new ClientCommand());
        commandLine.addSubcommand(new ShutdownCommand());
        commandLine.addSubcommand(new StatusCommand());
        commandLine.addSubcommand(new PromoteCommand());
        commandLine.addSubcommand(new SwitchoverCommand());
        headline(commandLine, "switchover", "Make the backup the primary, for maintenance, with nothing lost.");
        commandLine.addSubcommand(new DemoCommand());
        commandLine.addSubcommand(new CommandLine.HelpCommand());
        commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> {
            cmd.getErr().println("tuplespace " + cmd.getCommandName() + ": " + exception.getMessage());
            cmd.getErr().flush();
            return 1;
        });
        return commandLine;
    }

    /** The one line the launcher's command list shows for a subcommand whose description is longer. */
    private static void headline(CommandLine launcher, String subcommand, String line) {
        launcher.getSubcommands().get(subcommand).getCommandSpec().usageMessage().header(line);
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "expected a command (" + String.join(", ", spec.subcommands().keySet()) + "), found none");
    }

    /** The version from the jar's build (a filtered resource), or "development" when run from sources. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"tuplespace " + properties.getProperty("version", "development")};
        }
    }
}
