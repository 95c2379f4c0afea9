package tuplespace.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import tuplespace.codec.Sap;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tuplespace status SHUTDOWN_SAP}: prints the service's STATUS line (docs/internals.md, "STATUS"). */
@Command(name = "status", description = "Print the service's status (roles, pids, epoch, backup) as JSON.",
        mixinStandardHelpOptions = true)
public final class StatusCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHUTDOWN_SAP", converter = SapConverter.class,
            description = "The proxy's (or a primary's) shutdown SAP, host:port.")
    private Sap sap;

    @Option(names = "--pretty", description = "Indent the JSON over several lines.")
    private boolean pretty;

    @Option(names = "--timeout", defaultValue = "10s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait for the connection and the answer (e.g. 500ms, 10s; default ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Mixin
    private ClusterSecretOption clusterSecret;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String answer;
        try {
            answer = new LineCommandClient(sap, timeout, clusterSecret.load()).send("STATUS");
        } catch (IOException e) {
            err.println("tuplespace status: " + e.getMessage());
            return LineCommandClient.exitStatus(e).code();
        }
        if (!answer.startsWith("{")) {
            err.println("tuplespace status: expected a JSON status line, found: " + answer);
            return ExitStatus.NOT_OK.code();
        }
        out.println(pretty ? indent(answer) : answer);
        out.flush();
        return ExitStatus.OK.code();
    }

    private static String indent(String json) {
        ObjectMapper mapper = new ObjectMapper();
        try {
            JsonNode tree = mapper.readTree(json);
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            return json;
        }
    }
}
