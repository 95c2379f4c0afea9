package tuplespace.codec;

import java.util.function.IntSupplier;

/**
 * Runs a service process (the proxy, a server) to its end, stopping it in its own way when a signal ends the JVM
 * first: SIGTERM (from {@code kill} or a service manager), SIGINT or SIGHUP make the JVM run its shutdown hooks, and
 * halt once they have returned.
 */
public final class SignalStop {

    private SignalStop() {
    }

    /**
     * Waits for {@code run} (the process's work, returning its exit status) with {@code stop} installed as a shutdown
     * hook on a thread named {@code name}; {@code stop} should return once the process has stopped. The hook goes when
     * {@code run} ends on its own.
     */
    public static int untilExit(String name, Runnable stop, IntSupplier run) {
        Thread stopOnSignal = new Thread(stop, name);
        Runtime.getRuntime().addShutdownHook(stopOnSignal);
        int status = run.getAsInt();
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnSignal);
        } catch (IllegalStateException alreadyStopping) {
            // the JVM is already exiting (a signal): the hook is running
        }
        return status;
    }
}
