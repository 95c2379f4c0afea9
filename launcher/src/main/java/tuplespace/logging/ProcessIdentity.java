package tuplespace.logging;

/**
 * Who writes a log line ({@link LogLineLayout}): {@code role/pid}, e.g. {@code primary/4711}.
 *
 * <p>The role is the system property {@value #ROLE_PROPERTY} when set (the node sets it when it becomes primary,
 * the demo passes it to its children), else the launcher subcommand the process runs ({@code proxy},
 * {@code server}, {@code client}, ...). It is read on every event so that a role change shows at once.
 */
public final class ProcessIdentity {

    /** The system property that names this process's role in log lines. */
    public static final String ROLE_PROPERTY = "tuplespace.role";

    private static final String[] SUBCOMMANDS = {"proxy", "server", "client", "demo", "shutdown", "status", "bench"};

    private final String pid = Long.toString(ProcessHandle.current().pid());
    private final String subcommand = subcommandOf(System.getProperty("sun.java.command", ""));

    /** Appends {@code role/pid} as it stands now. */
    void appendTo(StringBuilder line) {
        line.append(System.getProperty(ROLE_PROPERTY, subcommand)).append('/').append(pid);
    }

    /**
     * The first launcher subcommand on the command line ({@code tuplespace.cli.Main proxy ...}), or the service
     * main class ({@code tuplespace.proxy.ProxyMain}, {@code tuplespace.node.ServerMain}), else {@code tuplespace}.
     */
    static String subcommandOf(String javaCommand) {
        for (String token : javaCommand.split(" ")) {
            if (token.endsWith(".ProxyMain")) {
                return "proxy";
            }
            if (token.endsWith(".ServerMain")) {
                return "server";
            }
            for (String name : SUBCOMMANDS) {
                if (name.equals(token)) {
                    return name;
                }
            }
        }
        return "tuplespace";
    }
}
