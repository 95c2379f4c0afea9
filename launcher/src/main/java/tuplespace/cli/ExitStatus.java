package tuplespace.cli;

/** The exit statuses of the launcher's client-side commands; documented in docs/using.md. */
public enum ExitStatus {
    /** Every answer was {@code ok}. */
    OK(0),
    /** At least one answer was not {@code ok} ({@code malformed}, {@code not_implemented}, {@code unavailable}). */
    NOT_OK(1),
    /** Malformed command-line arguments (picocli's usage error code; README "Running it"). */
    USAGE(2),
    /**
     * Could not connect, or the connection was lost before every answer came; for an admin command, also an address
     * that is no shutdown SAP (a client or binary port).
     */
    CANNOT_CONNECT(3),
    /**
     * Refused: the proxy already serves its maximum number of clients, or the client's token is wrong; for an admin
     * command, the cluster secret handshake failed (the service holds another secret, or none, or wants one and the
     * command gave none).
     */
    REFUSED(4),
    /** An answer did not come within the request timeout. */
    TIMEOUT(5);

    private final int code;

    ExitStatus(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
