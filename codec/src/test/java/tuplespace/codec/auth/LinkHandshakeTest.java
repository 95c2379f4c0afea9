package tuplespace.codec.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import tuplespace.codec.auth.LinkHandshake.Step;

class LinkHandshakeTest {

    private static final ClusterSecret SECRET = ClusterSecret.of("the cluster secret, 32 bytes long");
    private static final ClusterSecret OTHER = ClusterSecret.of("another secret of some length!!");
    private final SecureRandom random = new SecureRandom();

    @Test
    void bothSidesWithTheSecretAuthenticateEachOther() {
        LinkHandshake connector = LinkHandshake.connecting(SECRET, LinkRole.PRIMARY, random);
        LinkHandshake acceptor = LinkHandshake.accepting(SECRET, LinkRole.PRIMARY, random);
        Step challenge = acceptor.onLine(connector.hello());
        Step proof = connector.onLine(((Step.Send) challenge).line());
        Step ok = acceptor.onLine(((Step.Send) proof).line());
        assertThat(ok).isInstanceOf(Step.Authenticated.class);
        assertThat(connector.onLine(((Step.Authenticated) ok).line().orElseThrow()))
                .isInstanceOf(Step.Authenticated.class);
    }

    @Test
    void theSecretNeverCrossesTheWire() {
        LinkHandshake connector = LinkHandshake.connecting(SECRET, LinkRole.ADMIN, random);
        LinkHandshake acceptor = LinkHandshake.accepting(SECRET, LinkRole.ADMIN, random);
        String hello = connector.hello();
        String challenge = ((Step.Send) acceptor.onLine(hello)).line();
        String proof = ((Step.Send) connector.onLine(challenge)).line();
        assertThat(hello + challenge + proof).doesNotContain("cluster secret");
    }

    @Test
    void aConnectorWithAnotherSecretIsRefusedAtItsProof() {
        LinkHandshake stranger = LinkHandshake.connecting(OTHER, LinkRole.PRIMARY, random);
        LinkHandshake acceptor = LinkHandshake.accepting(SECRET, LinkRole.PRIMARY, random);
        Step challenge = acceptor.onLine(stranger.hello());
        // the stranger cannot check the acceptor's proof either: it refuses, and would never send anything
        Step strangersView = stranger.onLine(((Step.Send) challenge).line());
        assertThat(strangersView).isInstanceOf(Step.Refused.class);
        assertThat(((Step.Refused) strangersView).reason()).contains("does not match this side's cluster secret");
        // a stranger that ignores the check and sends a made-up proof is refused by the acceptor
        Step refused = acceptor.onLine("TSAUTH1 PROOF " + "00".repeat(32));
        assertThat(refused).isInstanceOf(Step.Refused.class);
        assertThat(((Step.Refused) refused).line().orElseThrow()).startsWith("refused: the proof does not match");
    }

    @Test
    void aRecordedHandshakeReplayedOnANewConnectionIsRefused() {
        LinkHandshake connector = LinkHandshake.connecting(SECRET, LinkRole.REPLICATION, random);
        LinkHandshake firstAcceptor = LinkHandshake.accepting(SECRET, LinkRole.REPLICATION, random);
        String hello = connector.hello();
        String proof = ((Step.Send) connector.onLine(((Step.Send) firstAcceptor.onLine(hello)).line())).line();
        // an eavesdropper replays HELLO and PROOF: the new acceptor's nonce is fresh, so the old proof fails
        LinkHandshake secondAcceptor = LinkHandshake.accepting(SECRET, LinkRole.REPLICATION, random);
        assertThat(secondAcceptor.onLine(hello)).isInstanceOf(Step.Send.class);
        assertThat(secondAcceptor.onLine(proof)).isInstanceOf(Step.Refused.class);
    }

    @Test
    void aHandshakeForAnotherRoleIsRefused() {
        LinkHandshake connector = LinkHandshake.connecting(SECRET, LinkRole.HEARTBEAT, random);
        LinkHandshake acceptor = LinkHandshake.accepting(SECRET, LinkRole.PRIMARY, random);
        Step step = acceptor.onLine(connector.hello());
        assertThat(((Step.Refused) step).reason())
                .isEqualTo("this port takes primary links, found a handshake for 'heartbeat'");
    }

    @Test
    void theAcceptorsProofIsNotAcceptedFromAConnector() {
        // reflection: a proof made by an acceptor is never valid as a connector's proof, even over the same nonces
        LinkHandshake acceptor = LinkHandshake.accepting(SECRET, LinkRole.PRIMARY, random);
        String nonce = "ab".repeat(16);
        String challenge = ((Step.Send) acceptor.onLine("TSAUTH1 HELLO primary " + nonce)).line();
        String acceptorsProof = challenge.split(" ")[3];
        assertThat(acceptor.onLine("TSAUTH1 PROOF " + acceptorsProof)).isInstanceOf(Step.Refused.class);
    }

    @Test
    void aPlainAdminLineIsRefusedWithAnExplanation() {
        LinkHandshake acceptor = LinkHandshake.accepting(SECRET, LinkRole.ADMIN, random);
        Step step = acceptor.onLine("SHUTDOWN");
        assertThat(((Step.Refused) step).line().orElseThrow()).isEqualTo(
                "refused: this port requires the cluster secret handshake (--cluster-secret-file): expected"
                        + " 'TSAUTH1 HELLO admin NONCE', found 'SHUTDOWN'");
    }

    @Test
    void garbageIsShownEscaped() {
        LinkHandshake acceptor = LinkHandshake.accepting(SECRET, LinkRole.PRIMARY, random);
        Step step = acceptor.onLine("\u0000\u0001\u00ffx");
        assertThat(((Step.Refused) step).reason()).endsWith("found '\\x00\\x01ÿx'");
    }

    @Test
    void aRefusalFromThePeerEndsTheHandshake() {
        LinkHandshake connector = LinkHandshake.connecting(SECRET, LinkRole.PRIMARY, random);
        connector.hello();
        Step step = connector.onLine("refused: no handshake within 5000 ms");
        assertThat(step).isEqualTo(new Step.Refused(java.util.Optional.empty(),
                "the peer refused the handshake: no handshake within 5000 ms"));
    }
}
