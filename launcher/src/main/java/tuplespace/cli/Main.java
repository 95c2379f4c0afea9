package tuplespace.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.function.Supplier;
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
import tuplespace.codec.netty.NettyDefaults;
import tuplespace.node.DemoInterrupt;
import tuplespace.demo.DemoCommand;
import tuplespace.node.ServerCommand;
import tuplespace.node.persistence.LogReadAhead;
import tuplespace.proxy.ProxyCommand;
import tuplespace.space.IoFailure;
import tuplespace.logging.LogConfiguration;

/**
 * The launcher: {@code ./tuplespace COMMAND ...} (README "Running it"). One picocli root whose subcommands are the
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
            description = "Log level on stderr: TRACE, DEBUG, INFO (default), WARN, ERROR or OFF. "
                    + "Also -Dtuplespace.log.level or TUPLESPACE_LOG_LEVEL.")
    void logLevel(String level) {
        Level parsed = Level.toLevel(level, null);
        if (parsed == null || level.equalsIgnoreCase("ALL")) {
            throw new ParameterException(spec.commandLine(),
                    "--log-level: expected one of " + LogConfiguration.LEVELS + ", found '" + level + "'");
        }
        // The demo hands the level on to its children through this property.
        System.setProperty("tuplespace.log.level", parsed.toString());
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(parsed);
        }
    }

    public static void main(String[] args) {
        // first of all: a restarted server's log is read while the rest of this starts (ServerCommand.readAhead)
        LogReadAhead readAhead = args.length > 0 && args[0].equals(SERVER)
                ? ServerCommand.readAhead(Arrays.copyOfRange(args, 1, args.length)) : LogReadAhead.none();
        NettyDefaults.applyUnlessAsked(); // the service's processes and the client alike
        DemoInterrupt.ignoreIfAsked(); // a demo's proxy and primary: the demo answers Ctrl-C
        System.exit(commandLine(readAhead, args).execute(args));
    }

    /** A subcommand: how to make it. The command list shows the first line of its description. */
    private record Subcommand(String name, Supplier<Object> command) {
    }

    private static final String SERVER = "server";

    /** Every subcommand, in the order the command list shows them: the service's processes first. */
    private static final List<Subcommand> SUBCOMMANDS = List.of(
            new Subcommand("proxy", ProxyCommand::new),
            new Subcommand(SERVER, ServerCommand::new),
            new Subcommand("client", ClientCommand::new),
            new Subcommand("shutdown", ShutdownCommand::new),
            new Subcommand("status", StatusCommand::new),
            new Subcommand("promote", PromoteCommand::new),
            new Subcommand("switchover", SwitchoverCommand::new),
            new Subcommand("demo", DemoCommand::new),
            new Subcommand("help", CommandLine.HelpCommand::new));

    /** The launcher's command line, with every subcommand; tests run it in-process. */
    public static CommandLine commandLine() {
        return commandLine(SUBCOMMANDS);
    }

    /**
     * The command line that runs {@code args}: when they start with a subcommand other than {@code help}, the root with
     * only that one, since picocli reads every subcommand's options when it is added (50-60 ms of a cold start, which
     * every {@code ./tuplespace} command and a restarted server would pay); otherwise all of them.
     */
    static CommandLine commandLine(String... args) {
        return commandLine(LogReadAhead.none(), args);
    }

    /** The same, whose server takes its recovery's log reading from {@code readAhead}. */
    private static CommandLine commandLine(LogReadAhead readAhead, String... args) {
        List<Subcommand> running = SUBCOMMANDS.stream()
                .filter(subcommand -> args.length > 0 && subcommand.name().equals(args[0]) && !args[0].equals("help"))
                .map(subcommand -> subcommand.name().equals(SERVER)
                        ? new Subcommand(SERVER, () -> new ServerCommand(readAhead)) : subcommand)
                .toList();
        return commandLine(running.isEmpty() ? SUBCOMMANDS : running);
    }

    private static CommandLine commandLine(List<Subcommand> subcommands) {
        CommandLine commandLine = new CommandLine(new Main());
        for (Subcommand subcommand : subcommands) {
            commandLine.addSubcommand(subcommand.name(), subcommand.command().get());
            // their help offers -V (picocli's standard options), which prints the version only where one is given
            commandLine.getSubcommands().get(subcommand.name()).getCommandSpec().versionProvider(new Version());
        }
        commandLine.setParameterExceptionHandler(Main::badArguments);
        commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> {
            cmd.getErr().println("tuplespace " + cmd.getCommandName() + ": " + IoFailure.describe(exception));
            cmd.getErr().flush();
            return 1;
        });
        return commandLine;
    }

    /**
     * A command line that does not parse: what was wrong, a suggestion for a mistyped option or command, the command's
     * short synopsis and where its help is; not the whole help, which would scroll the message out of sight (a
     * server's is over a hundred lines). Exit status 2.
     */
    private static int badArguments(ParameterException exception, String[] args) {
        CommandLine cmd = exception.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(expectedAndFound(exception));
        CommandLine.UnmatchedArgumentException.printSuggestions(exception, err);
        CommandLine.Help help = cmd.getHelp();
        err.print(help.synopsisHeading() + help.abbreviatedSynopsis());
        err.println("All options: " + cmd.getCommandSpec().qualifiedName() + " --help");
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** Picocli's own messages for arguments unknown or missing, said as what was expected and what was found. */
    private static String expectedAndFound(ParameterException exception) {
        CommandSpec spec = exception.getCommandLine().getCommandSpec();
        String command = spec.qualifiedName();
        if (exception instanceof CommandLine.UnmatchedArgumentException unmatched
                && !unmatched.getUnmatched().isEmpty()) {
            if (!spec.subcommands().isEmpty() && !unmatched.getUnmatched().get(0).startsWith("-")) {
                return expectedACommand(spec, "'" + unmatched.getUnmatched().get(0) + "'");
            }
            return "expected only the options and arguments " + command + " --help lists, found "
                    + unmatched.getUnmatched().stream().map(argument -> "'" + argument + "'")
                    .collect(Collectors.joining(", "));
        }
        if (exception instanceof CommandLine.MissingParameterException missing && !missing.getMissing().isEmpty()
                && exception.getMessage().startsWith("Missing required")) { // not "Expected parameter ... but found"
            return "expected " + missing.getMissing().stream().map(Main::argumentName)
                    .collect(Collectors.joining(", ")) + ", found none";
        }
        return exception.getMessage();
    }

    private static String argumentName(CommandLine.Model.ArgSpec argument) {
        return argument instanceof CommandLine.Model.OptionSpec option
                ? option.longestName() + " " + option.paramLabel() : argument.paramLabel();
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), expectedACommand(spec, "none"));
    }

    private static String expectedACommand(CommandSpec root, String found) {
        return "expected a command (" + String.join(", ", root.subcommands().keySet()) + "), found " + found;
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
