package tuplespace.codec.auth;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * One side of the link handshake, as a state machine of text lines (no I/O: {@link LinkAuthHandler} runs it on a
 * Netty channel, the command-line admin client on a blocking socket). Lines, each ending {@code \n}:
 *
 * <pre>
 *   connecting side                                  accepting side
 *   TSAUTH1 HELLO role nonceC            ──▶
 *                                        ◀──  TSAUTH1 CHALLENGE nonceA proofA     proofA = HMAC(acceptor, role, nonceC, nonceA)
 *   (checks proofA)
 *   TSAUTH1 PROOF proofC                 ──▶                                      proofC = HMAC(connector, role, nonceC, nonceA)
 *                                        ◀──  TSAUTH1 OK                          (checks proofC)
 * </pre>
 *
 * Nonces are 16 fresh random bytes, proofs HMAC-SHA256 under the cluster secret, both in hex. A side that refuses
 * sends one line {@code refused: WHY} and closes. The accepting side proves first so that a stranger which bound a
 * SAP learns nothing; its proof is over the connector's nonce, so it cannot be replayed, and the connector's proof
 * over the acceptor's fresh nonce, so neither can that. The side is in the MAC, so one side's proof never serves as
 * the other's.
 */
public final class LinkHandshake {

    static final String PREFIX = "TSAUTH1 ";
    static final String HELLO = PREFIX + "HELLO";
    static final String CHALLENGE = PREFIX + "CHALLENGE";
    static final String PROOF = PREFIX + "PROOF";
    static final String OK = PREFIX + "OK";
    /** Every refusal line starts with this (a person reading the port sees why). */
    public static final String REFUSED = "refused: ";
    private static final int NONCE_BYTES = 16;
    private static final HexFormat HEX = HexFormat.of();

    /** What to do after a line. */
    public sealed interface Step {
        /** Send {@code line} and wait for the next. */
        record Send(String line) implements Step {
        }

        /** The peer has proved knowledge of the secret: send {@code line} if present, then the link is open. */
        record Authenticated(Optional<String> line) implements Step {
        }

        /** Refused: send {@code line} if present (the reason, to the peer), then close. {@code reason} is for the log. */
        record Refused(Optional<String> line, String reason) implements Step {
        }
    }

    private enum State { START, AWAIT_CHALLENGE, AWAIT_OK, AWAIT_HELLO, AWAIT_PROOF, DONE }

    private final ClusterSecret secret;
    private final LinkRole role;
    private final boolean connecting;
    private final SecureRandom random;
    private State state;
    private String connectorNonce;
    private String acceptorNonce;

    private LinkHandshake(ClusterSecret secret, LinkRole role, boolean connecting, SecureRandom random) {
        this.secret = secret;
        this.role = role;
        this.connecting = connecting;
        this.random = random;
        this.state = connecting ? State.START : State.AWAIT_HELLO;
    }

    /** The side that opened the connection: it sends the first line ({@link #hello}). */
    public static LinkHandshake connecting(ClusterSecret secret, LinkRole role, SecureRandom random) {
        return new LinkHandshake(secret, role, true, random);
    }

    /** The listening side: it waits for the connector's first line. */
    public static LinkHandshake accepting(ClusterSecret secret, LinkRole role, SecureRandom random) {
        return new LinkHandshake(secret, role, false, random);
    }

    public LinkRole role() {
        return role;
    }

    public boolean isConnecting() {
        return connecting;
    }

    /** The connecting side's first line. */
    public String hello() {
        if (!connecting || state != State.START) {
            throw new IllegalStateException("hello() is the connecting side's first step, called in state " + state);
        }
        connectorNonce = nonce();
        state = State.AWAIT_CHALLENGE;
        return HELLO + " " + role.wireName() + " " + connectorNonce;
    }

    /** The next step after the peer's {@code line} (without its line end). */
    public Step onLine(String line) {
        if (line.startsWith(REFUSED)) {
            state = State.DONE;
            return new Step.Refused(Optional.empty(), "the peer refused the handshake: " + line.substring(REFUSED.length()));
        }
        String[] words = line.strip().split(" ");
        return switch (state) {
            case AWAIT_HELLO -> onHello(line, words);
            case AWAIT_CHALLENGE -> onChallenge(line, words);
            case AWAIT_PROOF -> onProof(line, words);
            case AWAIT_OK -> onOk(line);
            default -> refuse("expected no more handshake lines, found " + quote(line));
        };
    }

    private Step onHello(String line, String[] words) {
        if (words.length != 4 || !line.startsWith(HELLO + " ") || !isNonce(words[3])) {
            return refuse("this port requires the cluster secret handshake (" + ClusterSecret.OPTION + "): expected '"
                    + HELLO + " " + role.wireName() + " NONCE', found " + quote(line));
        }
        Optional<LinkRole> offered = LinkRole.fromWire(words[2]);
        if (offered.isEmpty() || offered.get() != role) {
            return refuse("this port takes " + role.wireName() + " links, found a handshake for " + quote(words[2]));
        }
        connectorNonce = words[3];
        acceptorNonce = nonce();
        state = State.AWAIT_PROOF;
        return new Step.Send(CHALLENGE + " " + acceptorNonce + " " + proof(true));
    }

    private Step onChallenge(String line, String[] words) {
        if (words.length != 4 || !line.startsWith(CHALLENGE + " ") || !isNonce(words[2])) {
            return refuse("expected '" + CHALLENGE + " NONCE PROOF' from a peer with the cluster secret, found "
                    + quote(line));
        }
        acceptorNonce = words[2];
        if (!matches(words[3], proof(true))) {
            return refuse("the listening side's proof does not match this side's cluster secret: the two secret files"
                    + " differ (or the listener is not one of the service's processes)");
        }
        state = State.AWAIT_OK;
        return new Step.Send(PROOF + " " + proof(false));
    }

    private Step onProof(String line, String[] words) {
        if (words.length != 3 || !line.startsWith(PROOF + " ")) {
            return refuse("expected '" + PROOF + " PROOF', found " + quote(line));
        }
        if (!matches(words[2], proof(false))) {
            return refuse("the proof does not match this connection's challenge: wrong cluster secret, or a replayed"
                    + " handshake");
        }
        state = State.DONE;
        return new Step.Authenticated(Optional.of(OK));
    }

    private Step onOk(String line) {
        if (!line.strip().equals(OK)) {
            return refuse("expected '" + OK + "', found " + quote(line));
        }
        state = State.DONE;
        return new Step.Authenticated(Optional.empty());
    }

    private Step refuse(String reason) {
        state = State.DONE;
        return new Step.Refused(Optional.of(REFUSED + reason), reason);
    }

    /** HMAC over the side, the role and both nonces (never the secret itself). */
    private String proof(boolean byAcceptor) {
        String message = "tuplespace link handshake 1\n" + (byAcceptor ? "acceptor" : "connector") + "\n"
                + role.wireName() + "\n" + connectorNonce + "\n" + acceptorNonce;
        return HEX.formatHex(secret.mac(message));
    }

    /** Constant time: the comparison does not tell an attacker how many leading characters were right. */
    private static boolean matches(String given, String expected) {
        return MessageDigest.isEqual(given.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                expected.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private String nonce() {
        byte[] bytes = new byte[NONCE_BYTES];
        random.nextBytes(bytes);
        return HEX.formatHex(bytes);
    }

    private static boolean isNonce(String word) {
        return word.length() == 2 * NONCE_BYTES && word.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    /** The peer's line, quoted, shortened and with control characters shown as escapes (it may be binary garbage). */
    static String quote(String line) {
        StringBuilder shown = new StringBuilder("'");
        int limit = Math.min(line.length(), 60);
        for (int i = 0; i < limit; i++) {
            char c = line.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\ufffd') {
                shown.append(String.format("\\x%02x", (int) c & 0xff));
            } else {
                shown.append(c);
            }
        }
        return shown.append(line.length() > limit ? "...'" : "'").toString();
    }
}
