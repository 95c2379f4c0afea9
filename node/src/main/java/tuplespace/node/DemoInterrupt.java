package tuplespace.node;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The processes of a demo ignore SIGINT; the demo alone answers it. Ctrl-C in a terminal interrupts every process of
 * the terminal's foreground group, and the demo's proxy and primary are in it (and the backups a primary starts): they
 * died of it before the demo could send SHUTDOWN, so the demo's Ctrl-C lost the space instead of saving it. The demo
 * marks the processes it starts with {@link #ENVIRONMENT_VARIABLE}; a backup inherits it from its primary.
 */
public final class DemoInterrupt {

    /** Set to {@code 1} in a process's environment: it ignores SIGINT. */
    public static final String ENVIRONMENT_VARIABLE = "TUPLESPACE_IGNORE_SIGINT";

    private DemoInterrupt() {
    }

    /** Ignores SIGINT when this process's environment asks for it. */
    public static void ignoreIfAsked() {
        if ("1".equals(System.getenv(ENVIRONMENT_VARIABLE))) {
            Signal.handle(new Signal("INT"), SignalHandler.SIG_IGN);
        }
    }
}
