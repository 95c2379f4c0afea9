package tuplespace.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tuplespace.codec.Sap;

/**
 * {@code tuplespace switchover SHUTDOWN_SAP}: the planned switchover (docs/design.md "Switchover"), for upgrades and
 * maintenance: the backup becomes the primary with nothing lost and no error a client sees, and the old primary stays
 * on as its backup without a copy of the space being sent.
 */
@Command(name = "switchover", description = {"Make the backup the primary, for maintenance, with nothing lost.",
        "Clients only wait a moment, and the old primary stays on as the new backup (no copy is sent).",
        "Answers once the new primary serves; an error line (exit status 1) says why not, and the old primary then"
                + " serves on."},
        mixinStandardHelpOptions = true)
public final class SwitchoverCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHUTDOWN_SAP", converter = SapConverter.class,
            description = "The proxy's shutdown SAP, host:port.")
    private Sap sap;

    @Option(names = "--timeout", defaultValue = "15s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait for the connection and the answer (default ${DEFAULT-VALUE}; the proxy"
                    + " gives up on a switchover after 10 s).")
    private Duration timeout;

    @Mixin
    private ClusterSecretOption clusterSecret;

    @Override
    public Integer call() {
        return LineCommandClient.run(sap, timeout, clusterSecret, "SWITCHOVER", "switchover",
                spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
