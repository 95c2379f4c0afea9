package tuplespace.client;

/**
 * Why a request to the tuple space failed. Each subclass says what the caller can do next:
 *
 * <ul>
 *   <li>{@link ConnectFailedException}: nothing was sent; check the address, retry later.
 *   <li>{@link RefusedException}: the proxy dropped this connection (it serves its maximum of clients, the token is
 *       wrong or missing, plain text reached a TLS port, or the connection was idle past the proxy's
 *       {@code --client-idle-timeout}); nothing was applied; connect again later, or fix the options.
 *   <li>{@link UnavailableException}: no primary answered within the proxy's primary timeout, or the answer was
 *       too large to send; an update <em>may</em> have been applied (the message says whether); read before
 *       resending where it matters.
 *   <li>{@link MalformedRequestException} / {@link NotImplementedException}: the service rejected the request
 *       itself; sending it again gives the same answer. A request line longer than the proxy's {@code --max-line}
 *       also ends the connection (the message says so): later calls fail with {@link ConnectionLostException}.
 *   <li>{@link RequestTimeoutException}: no answer within the request timeout, or a blocking call's thread was
 *       interrupted while it waited (its interrupt flag is set again); an update <em>may</em> have been applied.
 *       The connection stays open and later answers still match their requests.
 *   <li>{@link ConnectionLostException}: the connection closed before the answer; an update <em>may</em> have
 *       been applied. Every later call fails the same way; connect again.
 * </ul>
 *
 * <p>{@link #wasSent()} tells a request that never left this client (nothing applied; safe to send again on a new
 * connection) from one that did.
 */
public abstract sealed class TupleSpaceException extends RuntimeException
        permits ConnectFailedException, RefusedException, UnavailableException, MalformedRequestException,
                NotImplementedException, RequestTimeoutException, ConnectionLostException {

    /** See {@link #wasSent()}. */
    private final boolean sent;

    TupleSpaceException(String message) {
        super(message);
        this.sent = true;
    }

    TupleSpaceException(String message, Throwable cause) {
        this(message, cause, true);
    }

    TupleSpaceException(String message, Throwable cause, boolean sent) {
        super(message, cause);
        this.sent = sent;
    }

    /**
     * Whether the request that failed was sent. False for one made after the connection had closed (it fails with
     * {@link RefusedException} or {@link ConnectionLostException} saying "was not sent") and for
     * {@link ConnectFailedException}: nothing was applied, and sending it again on a new connection applies it once.
     * True for every other failure, whose message says what may have been applied.
     */
    public boolean wasSent() {
        return sent;
    }
}
