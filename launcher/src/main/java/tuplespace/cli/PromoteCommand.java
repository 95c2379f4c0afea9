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
 * {@code tuplespace promote SHUTDOWN_SAP}: the operator's override when the proxy promotes nobody by itself because the
 * lost primary served on one copy (docs/design.md "Failover"): the one backup that follows at the proxy becomes the
 * primary (of several that follow one primary, the one whose copy goes furthest), and updates the old primary answered
 * without a backup, if any, are lost.
 */
@Command(name = "promote", description = {"Make the backup that follows at the proxy the primary, when the proxy will"
        + " not by itself: the lost primary had no backup in step (updates it answered alone are then lost), or the"
        + " proxy was restarted and knows no replica.",
        "Use it only when that primary cannot come back (its machine is gone, or it had no --data-dir); run status"
        + " first: a primary that is still running registers with a restarted proxy within seconds, and is fenced"
        + " if a backup is promoted first.",
        "Of several backups that follow one primary (both machines' backups, run again after a failover and a total"
        + " loss), it takes the one whose copy goes furthest; of backups of different primaries, none (stop the one"
        + " whose copy to give up)."},
        mixinStandardHelpOptions = true)
public final class PromoteCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHUTDOWN_SAP", converter = SapConverter.class,
            description = "The proxy's shutdown SAP, host:port.")
    private Sap sap;

    @Option(names = "--timeout", defaultValue = "10s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait for the connection and the answer (default ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Mixin
    private ClusterSecretOption clusterSecret;

    @Override
    public Integer call() {
        return LineCommandClient.run(sap, timeout, clusterSecret, "PROMOTE", "promote", spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }
}
