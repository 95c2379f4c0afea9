package tuplespace.node;

import picocli.CommandLine;

/** Runs {@link ServerCommand} as a process of its own (the primary starts its backup this way). */
public final class ServerMain {

    private ServerMain() {
    }

    /** Netty's JFR events of its buffer allocator; {@code -Dio.netty.jfr.enabled=true} turns them back on. */
    static final String NETTY_JFR = "io.netty.jfr.enabled";

    public static void main(String[] args) {
        // With them on, a JVM's first pooled allocation registers the events with JFR (its metadata repository: 100 ms
        // and more of a cold JVM, seen in a backup's first read of its snapshot, while the primary runs on one copy).
        if (System.getProperty(NETTY_JFR) == null) {
            System.setProperty(NETTY_JFR, "false");
        }
        System.exit(new CommandLine(new ServerCommand()).execute(args));
    }
}
