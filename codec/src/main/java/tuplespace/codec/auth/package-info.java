/**
 * Who may talk to a process (docs/internals.md "Link authentication"): the cluster secret every internal link proves
 * knowledge of ({@link tuplespace.codec.auth.ClusterSecret}), the handshake that proves it without sending it
 * ({@link tuplespace.codec.auth.LinkHandshake}), and the Netty handler that runs it first on a connection and then
 * gets out of the way ({@link tuplespace.codec.auth.LinkAuthHandler}).
 *
 * <p>The handshake is mutual: the accepting side proves knowledge first (so a stranger that bound a SAP never gets
 * anything that matters), then the connecting side; nothing else passes in either direction until both have. Each
 * side contributes a fresh random nonce and the proofs are HMAC-SHA256 over both nonces, the link's role and the
 * side, so a recorded exchange cannot be replayed, a proof for one link is worthless on another, and the secret
 * itself never crosses the wire.
 */
package tuplespace.codec.auth;
