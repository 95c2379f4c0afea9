package tuplespace.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The command-line options a test gives the proxy and the primary (README "Running it"). Null means "leave the
 * service's default". Durations are written by {@link #duration(Duration)}, the one place that knows the
 * service's duration syntax.
 */
record ServiceOptions(
        Integer maxClients,
        Duration primaryTimeout,
        Duration heartbeatInterval,
        Integer heartbeatMisses,
        Path notifyCommand,
        Path initFile,
        Path saveFile,
        List<String> extraServerArgs,
        Path clusterSecretFile,
        List<String> extraProxyArgs,
        Duration proxySilence) {

    ServiceOptions {
        if (maxClients != null && maxClients < 1) {
            throw new IllegalArgumentException("maxClients must be positive, got " + maxClients);
        }
        if (heartbeatMisses != null && heartbeatMisses < 1) {
            throw new IllegalArgumentException("heartbeatMisses must be positive, got " + heartbeatMisses);
        }
        extraServerArgs = List.copyOf(extraServerArgs);
        extraProxyArgs = List.copyOf(extraProxyArgs);
    }

    /**
     * Heartbeats of 200 ms x 10, a proxy that counts a silent primary lost after as long (2 s), and a patient proxy
     * (a failover never runs into {@code --primary-timeout}).
     * Why not the service's defaults: on the shared 2-core test machine (load average 10-15) the default
     * (50 ms x 6) makes a healthy, idle primary "fail" within a second of start-up; HealthyServiceIT tests
     * the defaults on their own, so the fault tests here test the faults they inject.
     */
    static ServiceOptions defaults() {
        return new ServiceOptions(null, Duration.ofSeconds(20), Duration.ofMillis(200), 10, null, null, null, List.of(), null,
                List.of(), Duration.ofSeconds(2));
    }

    /** Every option left to the service's defaults. */
    static ServiceOptions serviceDefaults() {
        return new ServiceOptions(null, null, null, null, null, null, null, List.of(), null, List.of(), null);
    }

    ServiceOptions withMaxClients(int value) {
        return new ServiceOptions(value, primaryTimeout, heartbeatInterval, heartbeatMisses, notifyCommand, initFile, saveFile, extraServerArgs,
                clusterSecretFile, extraProxyArgs, proxySilence);
    }

    ServiceOptions withPrimaryTimeout(Duration value) {
        return new ServiceOptions(maxClients, value, heartbeatInterval, heartbeatMisses, notifyCommand, initFile, saveFile, extraServerArgs,
                clusterSecretFile, extraProxyArgs, proxySilence);
    }

    ServiceOptions withHeartbeat(Duration interval, int misses) {
        return new ServiceOptions(maxClients, primaryTimeout, interval, misses, notifyCommand, initFile, saveFile, extraServerArgs,
                clusterSecretFile, extraProxyArgs, proxySilence);
    }

    ServiceOptions withNotify(Path value) {
        return new ServiceOptions(maxClients, primaryTimeout, heartbeatInterval, heartbeatMisses, value, initFile, saveFile, extraServerArgs,
                clusterSecretFile, extraProxyArgs, proxySilence);
    }

    ServiceOptions withInitFile(Path value) {
        return new ServiceOptions(maxClients, primaryTimeout, heartbeatInterval, heartbeatMisses, notifyCommand, value, saveFile, extraServerArgs,
                clusterSecretFile, extraProxyArgs, proxySilence);
    }

    /** SAVE_FILE somewhere else than the cluster's directory (null: {@code space.json} there). */
    ServiceOptions withSaveFile(Path value) {
        return new ServiceOptions(maxClients, primaryTimeout, heartbeatInterval, heartbeatMisses, notifyCommand, initFile, value, extraServerArgs,
                clusterSecretFile, extraProxyArgs, proxySilence);
    }

    /** {@code args} added to the primary's command line (the primary passes its options on to its backup). */
    ServiceOptions withServerArgs(String... args) {
        List<String> more = new ArrayList<>(extraServerArgs);
        more.addAll(List.of(args));
        return new ServiceOptions(maxClients, primaryTimeout, heartbeatInterval, heartbeatMisses, notifyCommand, initFile, saveFile, more,
                clusterSecretFile, extraProxyArgs, proxySilence);
    }

    /** Proxy and primary started with {@code --cluster-secret-file FILE}; the harness's STATUS and SHUTDOWN prove it. */
    ServiceOptions withClusterSecretFile(Path value) {
        return new ServiceOptions(maxClients, primaryTimeout, heartbeatInterval, heartbeatMisses, notifyCommand, initFile,
                saveFile, extraServerArgs, value, extraProxyArgs, proxySilence);
    }

    /** The proxy counts a silent primary lost after {@code value} (PINGs every fifth of it); null: its default. */
    ServiceOptions withProxySilence(Duration value) {
        return new ServiceOptions(maxClients, primaryTimeout, heartbeatInterval, heartbeatMisses, notifyCommand, initFile,
                saveFile, extraServerArgs, clusterSecretFile, extraProxyArgs, value);
    }

    /** Options given to the proxy as they are (e.g. {@code --client-auth-file FILE}, the TLS options). */
    ServiceOptions withProxyArgs(String... args) {
        return new ServiceOptions(maxClients, primaryTimeout, heartbeatInterval, heartbeatMisses, notifyCommand, initFile,
                saveFile, extraServerArgs, clusterSecretFile, List.of(args), proxySilence);
    }

    /** The longest a hung primary can go unnoticed: every allowed heartbeat missed. */
    Duration heartbeatDetection() {
        if (heartbeatInterval == null || heartbeatMisses == null) {
            throw new IllegalStateException("heartbeat options not set: use withHeartbeat(interval, misses)");
        }
        return heartbeatInterval.multipliedBy(heartbeatMisses);
    }

    List<String> proxyArgs() {
        List<String> args = new ArrayList<>();
        if (maxClients != null) {
            args.addAll(List.of("--max-clients", Integer.toString(maxClients)));
        }
        if (primaryTimeout != null) {
            args.addAll(List.of("--primary-timeout", duration(primaryTimeout)));
        }
        if (clusterSecretFile != null) {
            args.addAll(List.of("--cluster-secret-file", clusterSecretFile.toString()));
        }
        if (proxySilence != null) {
            args.addAll(List.of("--ping-interval", duration(proxySilence.dividedBy(5)), "--ping-misses", "5"));
        }
        args.addAll(extraProxyArgs);
        return args;
    }

    List<String> serverArgs() {
        List<String> args = new ArrayList<>();
        if (heartbeatInterval != null) {
            args.addAll(List.of("--heartbeat-interval", duration(heartbeatInterval)));
        }
        if (heartbeatMisses != null) {
            args.addAll(List.of("--heartbeat-misses", Integer.toString(heartbeatMisses)));
        }
        if (notifyCommand != null) {
            args.addAll(List.of("--notify", notifyCommand.toString()));
        }
        if (clusterSecretFile != null) {
            args.addAll(List.of("--cluster-secret-file", clusterSecretFile.toString()));
        }
        args.addAll(extraServerArgs);
        return args;
    }

    /** The service's duration syntax: a number of milliseconds with the unit {@code ms}. */
    static String duration(Duration value) {
        return value.toMillis() + "ms";
    }
}
