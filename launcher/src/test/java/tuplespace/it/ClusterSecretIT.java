package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.testing.Eventually.eventually;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tuplespace.codec.auth.ClusterSecret;
import tuplespace.codec.auth.LinkRole;
import tuplespace.codec.frame.Frame;
import tuplespace.it.Requests.TextPair;
import tuplespace.testing.ManagedProcess;

/**
 * Issue "Who may talk to it": with {@code --cluster-secret-file} every internal link and the admin ports require
 * the link handshake. Each attack below is refused with one line saying why, logged as {@code auth_refused} with
 * the peer's address, and the service keeps serving with nothing changed: same primary, same epoch, same digest.
 */
class ClusterSecretIT {

    private static final Duration REPLY = Duration.ofSeconds(10);

    @RegisterExtension
    final Clusters clusters = new Clusters();

    private ServiceCluster startWithSecret(NotifyRecorder notify) throws IOException {
        Path secret = secretFile(clusters.runDirectory().resolve("cluster.secret"), "rw-------");
        return clusters.start(ServiceOptions.defaults().withNotify(notify.script()).withClusterSecretFile(secret));
    }

    private static Path secretFile(Path file, String mode) throws IOException {
        Files.writeString(file, "an example cluster secret of 48 bytes, not real\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void impostorsOnTheInternalLinksAreRefusedAndChangeNothing() throws Exception {
        NotifyRecorder notify = NotifyRecorder.in(clusters.runDirectory());
        ServiceCluster cluster = startWithSecret(notify);
        try (LineClient client = cluster.client()) {
            assertThat(Requests.answerPairs(client.call(Requests.put(1, List.of(new TextPair("k,1", "v")))))).isEmpty();
            ServiceStatus before = cluster.awaitInSync();

            // Fault: a fake primary registers with a high epoch, knowing nothing but PRIMARY_SAP.
            try (LinkImpostor impostor = LinkImpostor.connect(cluster.proxyPrimarySap())) {
                impostor.send(registerFrame(1_000_000));
                assertThat(impostor.readLine(REPLY)).startsWith("refused: this port requires the cluster secret handshake");
                assertThat(impostor.closedByPeer(REPLY)).isTrue();
            }
            // Fault: the same with a wrong secret: its proof cannot match the proxy's challenge.
            try (LinkImpostor impostor = LinkImpostor.connect(cluster.proxyPrimarySap())) {
                impostor.sendLine("TSAUTH1 HELLO primary " + "5a".repeat(16));
                assertThat(impostor.readLine(REPLY)).startsWith("TSAUTH1 CHALLENGE ");
                impostor.sendLine("TSAUTH1 PROOF " + "c3".repeat(32));
                impostor.send(registerFrame(1_000_000));
                assertThat(impostor.readLine(REPLY)).startsWith("refused: the proof does not match");
                assertThat(impostor.closedByPeer(REPLY)).isTrue();
            }
            // Fault: a fake backup opens the heartbeat link to the primary's HEARTBEAT_SAP.
            try (LinkImpostor impostor = LinkImpostor.connect(cluster.heartbeatSap())) {
                impostor.sendLine("TSAUTH1 HELLO heartbeat " + "11".repeat(16));
                String challenge = impostor.readLine(REPLY);
                assertThat(challenge).startsWith("TSAUTH1 CHALLENGE ");
                impostor.sendLine("TSAUTH1 PROOF " + "22".repeat(32));
                assertThat(impostor.readLine(REPLY)).startsWith("refused: the proof does not match");
            }
            // Fault: a fake primary connects to the backup's BACKUP_SAP and talks replication frames at once.
            try (LinkImpostor impostor = LinkImpostor.connect(cluster.backupSap())) {
                impostor.send(new byte[] {0, 0, 0, 9, 1, 0, 0, 0, 0, 0, 0, 0, 7});
                assertThat(impostor.readLine(REPLY)).startsWith("refused: this port requires the cluster secret"
                        + " handshake (--cluster-secret-file): expected 'TSAUTH1 HELLO replication NONCE'");
            }

            assertNothingChanged(cluster, client, before, 2);
            eventually(REPLY, () -> assertThat(cluster.proxy().stderrText())
                    .contains("event auth_refused: primary link from /127.0.0.1:")
                    .contains("refused: the proof does not match"));
            eventually(REPLY, () -> assertThat(notify.events()).filteredOn(e -> e.event()
                    .equals("auth_refused")).extracting(NotifyRecorder.Event::detail)
                    .anySatisfy(detail -> assertThat(detail).startsWith("heartbeat link from /127.0.0.1:"))
                    .anySatisfy(detail -> assertThat(detail).startsWith("replication link from /127.0.0.1:")));

            // The secret is passed on: after a crash the backup takes over, registers and starts a new backup.
            ServiceCluster.kill9(before.primaryPid());
            ServiceStatus after = cluster.awaitNewPrimaryWithLiveBackup(before.primaryPid());
            assertThat(after.epoch()).isEqualTo(before.epoch() + 1);
            assertThat(Requests.answerPairs(client.call(Requests.get(9, "k,1", ".*")))).containsEntry("k,1", "after2");
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void shutdownAndStatusWithoutTheSecretAreRefused() throws Exception {
        NotifyRecorder notify = NotifyRecorder.in(clusters.runDirectory());
        ServiceCluster cluster = startWithSecret(notify);
        try (LineClient client = cluster.client()) {
            assertThat(Requests.answerPairs(client.call(Requests.put(1, List.of(new TextPair("k,1", "v")))))).isEmpty();
            ServiceStatus before = cluster.awaitInSync();
            for (Sap adminPort : List.of(cluster.proxyShutdownSap(), cluster.primaryShutdownSap())) {
                for (String command : List.of("SHUTDOWN", "STATUS")) {
                    // Fault: the plain admin line, as it worked without a secret.
                    assertThat(ServiceCluster.command(adminPort, command, REPLY)).isEqualTo("refused: this port"
                            + " requires the cluster secret handshake (--cluster-secret-file): expected 'TSAUTH1 HELLO"
                            + " admin NONCE', found '" + command + "'");
                }
            }
            // Fault: an admin with another secret: it refuses the listening side's proof and says nothing else.
            Path wrong = clusters.runDirectory().resolve("wrong.secret");
            Files.writeString(wrong, "a different secret, also long enough");
            Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));
            try (LinkImpostor admin = LinkImpostor.connect(cluster.proxyShutdownSap())) {
                LinkImpostor.Exchange exchange = admin.handshake(ClusterSecret.load(wrong), LinkRole.ADMIN);
                assertThat(exchange.lastReply()).startsWith("TSAUTH1 CHALLENGE ");
                assertThat(exchange.sent()).doesNotContain("PROOF");
            }
            // the commands say so, and exit 4 (refused), not 3 (a service out of reach): with another secret, and with
            // none (the port's plain "refused: ... requires the cluster secret handshake")
            for (String command : List.of("status", "shutdown")) {
                ManagedProcess.Result refused = ManagedProcess.runCli(List.of(command,
                        cluster.proxyShutdownSap().toString(), "--cluster-secret-file", wrong.toString()));
                assertThat(refused.exitCode()).as("exit status of %s with another secret; err: %s", command,
                        refused.err()).isEqualTo(4);
                assertThat(refused.err()).contains("tuplespace " + command + ": " + cluster.proxyShutdownSap() + ": ")
                        .containsIgnoringCase("proof");
                ManagedProcess.Result plain = ManagedProcess.runCli(List.of(command,
                        cluster.proxyShutdownSap().toString()));
                assertThat(plain.exitCode()).as("exit status of %s without a secret; err: %s", command, plain.err())
                        .isEqualTo(4);
                assertThat(plain.err()).contains("tuplespace " + command + ": " + cluster.proxyShutdownSap()
                        + ": refused: this port requires the cluster secret handshake");
            }
            assertNothingChanged(cluster, client, before, 2);
            eventually(REPLY, () -> assertThat(notify.eventNames()).contains("auth_refused"));
            assertThat(cluster.proxy().stderrText()).contains("event auth_refused: admin link from /127.0.0.1:");

            // With the secret, SHUTDOWN works end to end (proxy relays it to the primary with the handshake).
            assertThat(cluster.shutdown()).startsWith("ok");
            assertThat(cluster.firstPrimary().awaitExit(Duration.ofSeconds(30))).hasValue(0);
            assertThat(cluster.proxy().awaitExit(Duration.ofSeconds(30))).hasValue(0);
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void replayedHalfFinishedAndGarbageHandshakesAreRefused() throws Exception {
        NotifyRecorder notify = NotifyRecorder.in(clusters.runDirectory());
        ServiceCluster cluster = startWithSecret(notify);
        ClusterSecret secret = ClusterSecret.load(cluster.options().clusterSecretFile());
        try (LineClient client = cluster.client()) {
            assertThat(Requests.answerPairs(client.call(Requests.put(1, List.of(new TextPair("k,1", "v")))))).isEmpty();
            ServiceStatus before = cluster.awaitInSync();

            // A recorded handshake (here: one the test made with the secret, as an eavesdropper would record it) ...
            LinkImpostor.Exchange recorded;
            try (LinkImpostor genuine = LinkImpostor.connect(cluster.primaryShutdownSap())) {
                recorded = genuine.handshake(secret, LinkRole.ADMIN);
                assertThat(recorded.lastReply()).isEqualTo("TSAUTH1 OK");
            }
            // Fault: ... replayed on a new connection, followed by SHUTDOWN: the challenge is fresh, the proof stale.
            try (LinkImpostor replay = LinkImpostor.connect(cluster.primaryShutdownSap())) {
                replay.send((recorded.sent() + "SHUTDOWN\n").getBytes(StandardCharsets.UTF_8));
                assertThat(replay.readLine(REPLY)).startsWith("TSAUTH1 CHALLENGE ");
                assertThat(replay.readLine(REPLY)).startsWith("refused: the proof does not match this connection's"
                        + " challenge: wrong cluster secret, or a replayed handshake");
                assertThat(replay.closedByPeer(REPLY)).isTrue();
            }
            // Fault: a half-finished handshake left open is closed after the bound (5 s).
            try (LinkImpostor silent = LinkImpostor.connect(cluster.proxyPrimarySap())) {
                silent.sendLine("TSAUTH1 HELLO primary " + "77".repeat(16));
                assertThat(silent.readLine(REPLY)).startsWith("TSAUTH1 CHALLENGE ");
                assertThat(silent.readLine(REPLY)).isEqualTo("refused: no handshake within 5000 ms");
                assertThat(silent.closedByPeer(REPLY)).isTrue();
            }
            // Fault: garbage instead of a handshake, on every internal port.
            GarbageSender garbage = new GarbageSender(11);
            for (Sap port : List.of(cluster.proxyPrimarySap(), cluster.proxyShutdownSap(), cluster.primaryShutdownSap(),
                    cluster.heartbeatSap(), cluster.backupSap())) {
                for (byte[] payload : garbage.payloads()) {
                    garbage.sendAndClose(port, payload);
                }
            }
            garbage.close();
            assertNothingChanged(cluster, client, before, 2);
            assertThat(cluster.proxy().stderrText()).contains("the handshake was not finished within 5000 ms");
        }
    }

    /**
     * A primary started with another secret than its proxy's: refused at every handshake, it used to connect again every
     * 0.1 s, each refusal an auth_refused event on both sides (35 of them in 3 s, each a --notify run), and its last
     * word named no secret. Now its pauses double, the same refusal is reported once a minute, and it says why. One
     * started with no secret at all read the proxy's refusal as a frame, logged "frame length exceeds" and stopped
     * saying the proxy could not be reached; it now reads it as the refusal it is, and names the option.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"another secret", "no secret"})
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aPrimaryWithAnotherSecretThanItsProxysBacksOffIsReportedOnceAndSaysWhyItStops(String variant)
            throws Exception {
        Path proxySecret = secretFile(clusters.runDirectory().resolve("cluster.secret"), "rw-------");
        Path otherSecret = clusters.runDirectory().resolve("other.secret");
        Files.writeString(otherSecret, "another example cluster secret, not the proxy's\n");
        Files.setPosixFilePermissions(otherSecret, PosixFilePermissions.fromString("rw-------"));
        ServiceCluster cluster = clusters.create(ServiceOptions.defaults().withClusterSecretFile(proxySecret))
                .startProxy();
        List<String> args = new ArrayList<>(List.of(cluster.primaryShutdownSap().toString(),
                cluster.proxyPrimarySap().toString(), cluster.backupSap().toString(), cluster.heartbeatSap().toString(),
                cluster.saveFile().toString(), "null", "null", "--primary-register-timeout", "4s"));
        if (variant.equals("another secret")) {
            args.addAll(List.of("--cluster-secret-file", otherSecret.toString()));
        }
        ManagedProcess primary = cluster.startServer("primary", args);

        assertThat(primary.awaitExit(Duration.ofSeconds(60))).as("exit status of the refused primary").hasValue(1);
        assertThat(primary.stderrText()).contains("proxy_unreachable")
                .contains("(the cluster secret handshake of the last link failed: ").doesNotContain("Exception");
        if (variant.equals("no secret")) {
            assertThat(primary.stderrText())
                    .contains("the peer refused the link (this port requires the cluster secret handshake")
                    .contains("it is started with --cluster-secret-file and this process without");
        }
        assertThat(primary.stderrText().lines().filter(line -> line.contains("event auth_refused")))
                .as("auth_refused events of the refused primary in 4 s").hasSizeBetween(1, 2);
        assertThat(cluster.proxy().stderrText().lines().filter(line -> line.contains("event auth_refused")))
                .as("auth_refused events of the proxy in 4 s").hasSizeBetween(1, 2);
        assertThat(primary.stderrText().lines().filter(line -> line.contains("trying again in")))
                .as("connections after a refusal in 4 s, their pauses doubling from 0.1 s").hasSizeLessThan(8);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aSecretFileOthersCanReadStopsStartUp() throws Exception {
        Path secret = secretFile(clusters.runDirectory().resolve("open.secret"), "rw-r--r--");
        ServiceCluster cluster = clusters.create(ServiceOptions.defaults().withClusterSecretFile(secret));
        cluster.startProxy();
        OptionalInt proxyExit = cluster.proxy().awaitExit(Duration.ofSeconds(30));
        assertThat(proxyExit).isPresent();
        assertThat(proxyExit.getAsInt()).isNotZero();
        assertThat(cluster.proxy().stderrText()).contains("--cluster-secret-file " + secret + ": its mode 0644");
        cluster.startPrimary();
        OptionalInt primaryExit = cluster.firstPrimary().awaitExit(Duration.ofSeconds(30));
        assertThat(primaryExit).isPresent();
        assertThat(primaryExit.getAsInt()).isNotZero();
        assertThat(cluster.firstPrimary().stderrText()).contains("--cluster-secret-file " + secret + ": its mode 0644");
    }

    /** Same primary, same epoch, same data (digest), backup in sync, and clients are served. */
    private static void assertNothingChanged(ServiceCluster cluster, LineClient client, ServiceStatus before, long id) {
        ServiceStatus now = cluster.awaitInSync();
        assertThat(now.primaryPid()).as("primary").isEqualTo(before.primaryPid());
        assertThat(now.epoch()).as("epoch").isEqualTo(before.epoch());
        assertThat(now.digest()).as("digest").isEqualTo(before.digest());
        assertThat(Requests.answerPairs(client.call(Requests.post(id, List.of(new TextPair("k,1", "after" + id))))))
                .as("updates still served").isEmpty();
        assertThat(Requests.answerPairs(client.call(Requests.get(id + 1, "k,1", ".*")))).containsEntry("k,1", "after" + id);
    }

    /** A REGISTER frame as a primary sends it. */
    private static byte[] registerFrame(long epoch) {
        return FakePrimary.wireBytes(new Frame.Register(epoch, ProcessHandle.current().pid(), ProcessHandle.current().pid(),
                new tuplespace.codec.Sap("127.0.0.1", 9), 0, 0));
    }
}
