package tuplespace.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import tuplespace.codec.Sap;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tuplespace shutdown SHUTDOWN_SAP}: stops the whole service, which saves its state first; if the primary cannot
 * save, nothing stops and the command exits non-zero with the primary's reason (docs/internals.md "Shutdown SAPs").
 */
@Command(name = "shutdown", description = "Stop the whole service. The primary saves its file first; if it cannot,"
        + " nothing is stopped and this prints why and exits 1.",
        mixinStandardHelpOptions = true)
public final class ShutdownCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHUTDOWN_SAP", converter = SapConverter.class,
            description = "The proxy's shutdown SAP, host:port. A server's instead stops only that primary and its"
                    + " backup (after saving); the proxy stays up and holds its clients' requests until a primary"
                    + " registers again: a server restarted on its --data-dir does, one without a data directory"
                    + " starts at epoch 1 again, which that proxy refuses (restart the proxy too).")
    private Sap sap;

    @Option(names = "--timeout", defaultValue = "60s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait for the connection and the answer, which comes once the primary has saved"
                    + " its file (such as 500ms or 10s; default ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Mixin
    private ClusterSecretOption clusterSecret;

    @Override
    public Integer call() {
        return LineCommandClient.run(sap, timeout, clusterSecret, "SHUTDOWN", "shutdown", spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }
}
