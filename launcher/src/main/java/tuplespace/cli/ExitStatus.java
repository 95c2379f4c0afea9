package tuplespace.cli;

/** The exit statuses of the launcher's client-side commands; documented in docs/using.md. */
public enum ExitStatus {
    /** Every answer was {@code ok}. */
    OK(0),
    /** At least one answer was not {@code ok} ({@code malformed}, {@code not_implemented}, {@code unavailable}). */
    NOT_OK(1),
    /** Malformed command-line arguments (picocli's usage error code; SPEC §3). */
    USAGE(2),
    /** Could not connect, or the connection was lost before every answer came. */
    CANNOT_CONNECT(3),
    /**
     * Refused: the proxy already serves its maximum number of clients, or the client's token is wrong; for an admin
     * command, the cluster secret handshake failed (the two sides hold different secrets).
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
