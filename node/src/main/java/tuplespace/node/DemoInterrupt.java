package tuplespace.node;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The processes of a demo ignore SIGINT; the demo alone answers it. Ctrl-C in a terminal interrupts every process of
 * the terminal's foreground group, and the demo's proxy and primary are in it: they died of it before the demo could
 * send SHUTDOWN, so the demo's Ctrl-C lost the space instead of saving it. The demo starts them with
 * {@code -D}{@value #PROPERTY}{@code =true}. Every process they start inherits the ignored signal (an ignored signal
 * stays ignored across {@code exec}, and a JVM leaves it so): the backups a primary starts, and a {@code --notify} or
 * {@code --backup-start} command; SIGTERM stops each of them as before.
 */
public final class DemoInterrupt {

    /** The system property that makes this process ignore SIGINT. */
    public static final String PROPERTY = "tuplespace.ignoreSigint";

    private DemoInterrupt() {
    }

    /** Ignores SIGINT when this process was started with {@link #PROPERTY} true. */
    public static void ignoreIfAsked() {
        if (Boolean.getBoolean(PROPERTY)) {
            Signal.handle(new Signal("INT"), SignalHandler.SIG_IGN);
        }
    }
}
