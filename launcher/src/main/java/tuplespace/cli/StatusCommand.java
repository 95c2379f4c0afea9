package tuplespace.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tuplespace.codec.Sap;
import tuplespace.codec.auth.ClusterSecret;
import tuplespace.codec.frame.Frame;

/** {@code tuplespace status SHUTDOWN_SAP}: prints the service's STATUS line (docs/internals.md, "STATUS"). */
@Command(name = "status", description = "Print the service's status (roles, pids, epoch, backup) as JSON.",
        mixinStandardHelpOptions = true)
public final class StatusCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHUTDOWN_SAP", converter = SapConverter.class,
            description = "The proxy's (or a primary's) shutdown SAP, host:port.")
    private Sap sap;

    @Option(names = "--pretty", description = "Indent the JSON over several lines.")
    private boolean pretty;

    @Option(names = "--timeout", defaultValue = "10s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait for the connection and the answer (such as 500ms or 10s; default"
                    + " ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Mixin
    private ClusterSecretOption clusterSecret;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<ClusterSecret> secret = clusterSecret.load();
        String answer;
        try {
            answer = new LineCommandClient(sap, timeout, secret).send("STATUS");
        } catch (IOException e) {
            err.println("tuplespace status: " + e.getMessage());
            return LineCommandClient.exitStatus(e).code();
        }
        if (!answer.startsWith("{")) {
            err.println("tuplespace status: expected a JSON status line, found: " + answer);
            return ExitStatus.NOT_OK.code();
        }
        Optional<JsonNode> status = parse(answer); // once, for the indented form and the hint
        out.println(pretty ? status.map(tree -> indent(tree, answer)).orElse(answer) : answer);
        out.flush();
        String promote = "./tuplespace promote " + sap + (secret.isPresent() ? " " + ClusterSecret.OPTION + " FILE" : "");
        status.flatMap(tree -> noPrimary(tree, promote))
                .ifPresent(advice -> err.println("tuplespace status: " + advice));
        return ExitStatus.OK.code();
    }

    /**
     * What the operator of a proxy with no primary registered should know, on stderr after the JSON (which tools
     * read): whether the proxy promotes a backup by itself, waits for a server to start again, or waits for the
     * operator; at a primary's own SHUTDOWN_SAP, that it is not registered, if so. Empty otherwise.
     *
     * @param promote the command that promotes the backup following at this proxy
     */
    static Optional<String> noPrimary(JsonNode status, String promote) {
        if (status.path("role").asText().equals("primary") && status.path("registered").isBoolean()
                && !status.path("registered").asBoolean()) {
            return Optional.of("this primary is not registered with the proxy now, so it serves nothing: its log says"
                    + " why (with --backup-start none and a data directory it registers only once its backup on the"
                    + " other machine has taken its state; else it tries to reach the proxy)");
        }
        JsonNode proxy = status.path("proxy");
        if (!proxy.isObject() || proxy.path("primaryShutdownSap").isTextual()) {
            return Optional.empty();
        }
        if (proxy.path("promoting").asBoolean()) {
            return Optional.of("no primary is registered yet: the proxy promoted a backup, which registers within"
                    + " moments");
        }
        int followers = proxy.path("followers").asInt();
        if (proxy.path("replica").isTextual()) {
            return Optional.of("no primary is registered: the proxy promotes backup server "
                    + proxy.path("replica").asText() + ", the lost primary's replica, as soon as it hears it follow"
                    + (followers > 0 ? "; if " + (followers == 1 ? "the backup that follows here is" : "the backups"
                    + " that follow here are") + " not that one (a server started again has a new server id), and that"
                    + " replica is gone for good, " + promote + " serves the furthest copy that follows instead, when"
                    + " the proxy can tell which (it says why when it cannot; what only the replica held is then"
                    + " lost)"
                    : "; no backup follows now: if that one is gone too, start the servers"
                    + " again (one without --data-dir begins at epoch 1, which only a restarted proxy takes)"));
        }
        if (proxy.path("awaitingJudgement").isTextual()) {
            String waiting = proxy.path("awaitingJudgement").asText();
            return Optional.of("no primary is registered: the server at " + waiting + " waits until its backup on the"
                    + " other machine has judged its state (--backup-start none): "
                    + (followers == 0 ? "" : (followers == 1 ? "if the backup that follows here is that one"
                    : "if one of the backups that follow here is that one") + ", it does within moments; else ")
                    + "start that machine's server (its own command line), which takes its state or refuses it"
                    + " for a newer copy of its own; ./tuplespace status " + waiting + " and that server's log say"
                    + " more" + (followers > 0 ? " (a server whose state its backup refused stops, and says so: then "
                    + promote + " serves that backup's newer copy)" : ""));
        }
        if (proxy.path("waitsFor").isTextual()) {
            return Optional.of("no primary is registered: the proxy waits for a server whose start reads "
                    + Frame.Register.describeDirectory(proxy.path("waitsFor").asText())
                    + ", where the lost primary served on one copy: start that server again, or a backup on that node"
                    + " directory, which the proxy promotes 5 s after it follows when it runs with --fsync always and"
                    + " no other backup follows (else " + promote + " serves it: it holds what that primary answered,"
                    + " unless a power cut took the end of its log)"
                    + promoteInstead(followers, promote, ", unless that backup runs on that node directory"));
        }
        String start = followers == 0 ? "the servers" : "the server that served last"
                + promoteInstead(followers, promote, "");
        if (proxy.path("epoch").isNull()) {
            // a proxy started again knows no epoch: a primary that outlived the one before registers within seconds
            return Optional.of("no primary has registered since this proxy started"
                    + (followers == 0 ? ", and no backup follows it" : "")
                    + ": a primary that runs registers within seconds (run status again), but for one started on its"
                    + " data directory with --backup-start none, which waits until its backup on the other machine has"
                    + " judged its state (its log and its own STATUS say so); if none does, start " + start);
        }
        return Optional.of(followers == 0 ? "no primary is registered and no backup follows the proxy: start the"
                + " servers (one without --data-dir begins at epoch 1, which only a restarted proxy takes)"
                : "no primary is registered, and the proxy promotes no backup by itself: start " + start);
    }

    /**
     * With backups following: how to serve a copy of theirs instead (PROMOTE takes the furthest of several), and what
     * that loses ({@code unless} it does not).
     */
    private static String promoteInstead(int followers, String promote, String unless) {
        if (followers == 0) {
            return "";
        }
        return "; to serve " + (followers == 1 ? "the copy of the backup that follows"
                : "the furthest copy of the " + followers + " backups that follow") + " instead, " + promote
                + " (what the lost primary answered on one copy is then lost" + unless
                + (followers == 1 ? "" : "; it says why when it cannot tell which copy is the furthest") + ")";
    }

    private static Optional<JsonNode> parse(String json) {
        try {
            return Optional.of(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** {@code tree} over several lines; {@code json} as it came should that fail. */
    private static String indent(JsonNode tree, String json) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            return json;
        }
    }
}
