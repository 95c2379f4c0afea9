package tuplespace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;
import tuplespace.codec.Sap;
import tuplespace.proxy.ProxyConfig;
import tuplespace.proxy.ProxyServer;

/** {@code tuplespace status}: the JSON on stdout, and what an operator of a proxy without a primary should know. */
@Timeout(30)
class StatusCommandTest {

    private static final String PROMOTE = "./tuplespace promote 127.0.0.1:7702";

    private static Optional<String> advice(String proxyFields) throws Exception {
        return advice(3, proxyFields, false);
    }

    /** The proxy's STATUS with {@code epoch} (null for -1), {@code proxyFields} and {@code promoting}. */
    private static Optional<String> advice(long epoch, String proxyFields, boolean promoting) throws Exception {
        return StatusCommand.noPrimary(new ObjectMapper().readTree("{\"proxy\":{\"pid\":1,\"clients\":0,"
                + "\"maxClients\":64,\"epoch\":" + (epoch < 0 ? "null" : epoch) + ",\"held\":0," + proxyFields
                + ",\"promoting\":" + promoting + "},\"primary\":null}"), PROMOTE);
    }

    @Test
    void aProxyWithAPrimaryOrAServersOwnStatusNeedsNoWord() throws Exception {
        assertThat(advice("\"replica\":\"ab\",\"followers\":1,\"primaryShutdownSap\":\"127.0.0.1:7703\","
                + "\"waitsFor\":null")).isEmpty();
        assertThat(StatusCommand.noPrimary(new ObjectMapper().readTree("{\"role\":\"primary\",\"pid\":2}"), PROMOTE))
                .isEmpty();
        assertThat(StatusCommand.noPrimary(new ObjectMapper().readTree(
                "{\"role\":\"primary\",\"pid\":2,\"registered\":true}"), PROMOTE)).isEmpty();
    }

    /** A primary's own STATUS while the proxy has not accepted it (it waits for its backup's judgement, say). */
    @Test
    void aPrimaryNotRegisteredSaysSoAndWhereToLook() throws Exception {
        assertThat(StatusCommand.noPrimary(new ObjectMapper().readTree(
                "{\"role\":\"primary\",\"pid\":2,\"registered\":false}"), PROMOTE))
                .hasValue("this primary is not registered with the proxy now, so it serves nothing: its log says why"
                        + " (with --backup-start none and a data directory it registers only once its backup on the"
                        + " other machine has taken its state; else it tries to reach the proxy)");
    }

    @Test
    void withoutAPrimaryItSaysWhatTheProxyWaitsForAndHowToPromote() throws Exception {
        assertThat(advice("\"replica\":\"ab\",\"followers\":1,\"primaryShutdownSap\":null,\"waitsFor\":null"))
                .as("a follower that may be another server: restarted servers have new ids")
                .hasValue("no primary is registered: the proxy promotes backup server ab, the lost primary's replica,"
                        + " as soon as it hears it follow; if the backup that follows here is not that one (a server"
                        + " started again has a new server id), and that replica is gone for good, " + PROMOTE
                        + " serves the furthest copy that follows instead, when the proxy can tell which (it says why"
                        + " when it cannot; what only the replica held is then lost)");
        assertThat(advice("\"replica\":\"ab\",\"followers\":0,\"primaryShutdownSap\":null,\"waitsFor\":null"))
                .as("a replica that may have died with its primary")
                .hasValue("no primary is registered: the proxy promotes backup server ab, the lost primary's replica,"
                        + " as soon as it hears it follow; no backup follows now: if that one is gone too, start the"
                        + " servers again (one without --data-dir begins at epoch 1, which only a restarted proxy"
                        + " takes)");
        assertThat(advice("\"replica\":null,\"followers\":1,\"primaryShutdownSap\":null,\"waitsFor\":\"db.a.91b0\""))
                .hasValue("no primary is registered: the proxy waits for a server whose start reads node directory"
                        + " node-db.a (instance=91b0 in its node.meta), where the lost primary served on one copy: start"
                        + " that server again, or a backup on that node directory, which the proxy promotes 5 s after"
                        + " it follows when it runs with --fsync always and no other backup follows (else " + PROMOTE
                        + " serves it: it holds what that primary answered, unless a power cut took the end of its"
                        + " log); to serve the copy of the backup that follows instead, " + PROMOTE + " (what the lost"
                        + " primary answered on one copy is then lost, unless that backup runs on that node"
                        + " directory)");
        assertThat(advice("\"replica\":null,\"followers\":1,\"primaryShutdownSap\":null,\"waitsFor\":null"))
                .hasValue("no primary is registered, and the proxy promotes no backup by itself: start the server"
                        + " that served last; to serve the copy of the backup that follows instead, " + PROMOTE
                        + " (what the lost primary answered on one copy is then lost)");
        assertThat(advice("\"replica\":null,\"followers\":2,\"primaryShutdownSap\":null,\"waitsFor\":null"))
                .as("PROMOTE takes the furthest of several copies").hasValue("no primary is registered, and the proxy"
                        + " promotes no backup by itself: start the server that served last; to serve the furthest"
                        + " copy of the 2 backups that follow instead, " + PROMOTE + " (what the lost primary answered"
                        + " on one copy is then lost; it says why when it cannot tell which copy is the furthest)");
        assertThat(advice("\"replica\":null,\"followers\":0,\"primaryShutdownSap\":null,\"waitsFor\":null"))
                .hasValue("no primary is registered and no backup follows the proxy: start the servers (one without"
                        + " --data-dir begins at epoch 1, which only a restarted proxy takes)");
    }

    /** A failover or a switchover under way: the promoted backup registers within moments, nothing to do. */
    @Test
    void whileAPromotedBackupRegistersItSaysSo() throws Exception {
        assertThat(advice(4, "\"replica\":null,\"followers\":0,\"primaryShutdownSap\":null,\"waitsFor\":null",
                true)).hasValue("no primary is registered yet: the proxy promoted a backup, which registers within"
                + " moments");
    }

    /**
     * A server that waits for its backup on the other machine to judge its state asked the proxy to serve before that,
     * and the proxy refused (it named its SHUTDOWN_SAP in STATUS): what it waits for, and where to look.
     */
    @Test
    void aServerThatWaitsForItsBackupsJudgementIsNamed() throws Exception {
        assertThat(advice(-1, "\"replica\":null,\"followers\":0,\"primaryShutdownSap\":null,\"waitsFor\":null,"
                + "\"awaitingJudgement\":\"10.0.0.1:7010\"", false)).hasValue("no primary is registered: the server at"
                + " 10.0.0.1:7010 waits until its backup on the other machine has judged its state (--backup-start"
                + " none): start that machine's server (its own command line), which takes its state or refuses it for"
                + " a newer copy of its own; ./tuplespace status 10.0.0.1:7010 and that server's log say more");
        assertThat(advice(-1, "\"replica\":null,\"followers\":1,\"primaryShutdownSap\":null,\"waitsFor\":null,"
                + "\"awaitingJudgement\":\"10.0.0.1:7010\"", false))
                .as("with a backup following, which may have refused it").get().asString()
                .contains("if the backup that follows here is that one, it does within moments")
                .endsWith("that server's log say more (a server whose state its backup refused stops, and says so:"
                        + " then " + PROMOTE + " serves that backup's newer copy)");
        assertThat(advice(-1, "\"replica\":null,\"followers\":2,\"primaryShutdownSap\":null,\"waitsFor\":null,"
                + "\"awaitingJudgement\":\"10.0.0.1:7010\"", false)).as("two backups following").get().asString()
                .contains("if one of the backups that follow here is that one, it does within moments");
    }

    /**
     * A proxy started again knows no epoch: a primary and a backup that outlived the one before come back within
     * seconds, so promoting at once would fence a healthy primary; it says to look again first.
     */
    @Test
    void aProxyJustStartedSaysAPrimaryThatRunsRegistersWithinSeconds() throws Exception {
        assertThat(advice(-1, "\"replica\":null,\"followers\":1,\"primaryShutdownSap\":null,\"waitsFor\":null",
                false)).hasValue("no primary has registered since this proxy started: a primary that runs registers"
                + " within seconds (run status again), but for one started on its data directory with --backup-start"
                + " none, which waits until its backup on the other machine has judged its state (its log and its own"
                + " STATUS say so); if none does, start the server that served last; to serve the"
                + " copy of the backup that follows instead, " + PROMOTE + " (what the lost primary answered on one"
                + " copy is then lost)");
    }

    @Test
    void theAdviceGoesToStderrAfterTheJson() throws Exception {
        Sap any = new Sap("127.0.0.1", 0);
        try (ProxyServer proxy = ProxyServer.start(ProxyConfig.withDefaults(any, any, any))) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine commandLine = Main.commandLine();
            commandLine.setOut(new PrintWriter(out, true));
            commandLine.setErr(new PrintWriter(err, true));
            assertThat(commandLine.execute("status", "127.0.0.1:" + proxy.shutdownAddress().getPort()))
                    .isEqualTo(ExitStatus.OK.code());
            assertThat(new ObjectMapper().readTree(out.toString()).path("proxy").path("followers").asInt()).isZero();
            assertThat(err.toString()).isEqualTo("tuplespace status: no primary has registered since this proxy"
                    + " started, and no backup follows it: a primary that runs registers within seconds (run status"
                    + " again), but for one started on its data directory with --backup-start none, which waits until"
                    + " its backup on the other machine has judged its state (its log and its own STATUS say so); if"
                    + " none does, start the servers" + System.lineSeparator());
        }
    }
}
