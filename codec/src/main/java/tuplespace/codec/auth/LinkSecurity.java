package tuplespace.codec.auth;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import tuplespace.codec.tls.InternalTls;
import tuplespace.codec.tls.TlsGate;

/**
 * How a process guards its internal links (docs/internals.md "Link authentication"): with a cluster secret every
 * internal connection starts with the {@link LinkHandshake}; with internal TLS the proxy⇄primary, replication and
 * heartbeat links are also mutual TLS (outermost: the handshake then runs inside it). Without either, links are open
 * to anyone who can reach the ports (acceptable only on a single machine whose users are all trusted; the process
 * says so once at start). The admin ports (SHUTDOWN_SAP) take the handshake, not TLS.
 *
 * @param clusterSecret the secret of {@code --cluster-secret-file}, if given
 * @param tls           mutual TLS on the internal links, if configured
 */
public record LinkSecurity(Optional<ClusterSecret> clusterSecret, Optional<InternalTls> tls) {

    /** The pipeline name of the TLS handler. */
    public static final String TLS_HANDLER = "tls";
    private static final String PLAIN_REFUSAL = LinkHandshake.REFUSED + "this port requires TLS (--tls-cert, --tls-key,"
            + " --tls-ca)\n";

    public LinkSecurity {
        Objects.requireNonNull(clusterSecret, "clusterSecret");
        Objects.requireNonNull(tls, "tls");
    }

    /** No secret, no TLS: links unauthenticated, as before the options existed. */
    public static LinkSecurity none() {
        return new LinkSecurity(Optional.empty(), Optional.empty());
    }

    public static LinkSecurity withSecret(ClusterSecret secret) {
        return new LinkSecurity(Optional.of(secret), Optional.empty());
    }

    public LinkSecurity withTls(InternalTls internalTls) {
        return new LinkSecurity(clusterSecret, Optional.of(internalTls));
    }

    /**
     * From the value of {@code --cluster-secret-file}: none when {@code file} is null, else the secret it holds.
     *
     * @throws IllegalArgumentException (an argument error) naming the file and what is wrong with it
     */
    public static LinkSecurity fromOption(Path file) {
        if (file == null) {
            return none();
        }
        try {
            return withSecret(ClusterSecret.load(file));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The one WARN a process without a secret logs at start, or empty with one. */
    public Optional<String> startWarning() {
        if (clusterSecret.isPresent()) {
            return Optional.empty();
        }
        return Optional.of((tls.isPresent() ? "the admin ports are" : "internal links and the admin ports are")
                + " unauthenticated (no " + ClusterSecret.OPTION + "): anyone who can reach "
                + (tls.isPresent() ? "" : "PRIMARY_SAP, BACKUP_SAP, HEARTBEAT_SAP or ") + "a SHUTDOWN_SAP can "
                + (tls.isPresent() ? "" : "take over or ") + "stop the service; acceptable only on a single machine"
                + " whose users you trust");
    }

    /**
     * Guards a connection this process accepted on a {@code role} port: the cluster secret's handshake, or without a
     * secret a {@link PlainLinkGuard} that tells a peer started with one; TLS first, if configured.
     */
    public void guardAccepted(ChannelPipeline pipeline, LinkRole role, LinkAuthHandler.RefusalListener listener) {
        clusterSecret.ifPresentOrElse(
                secret -> pipeline.addFirst(LinkAuthHandler.NAME, LinkAuthHandler.accepting(secret, role, listener)),
                () -> pipeline.addFirst(PlainLinkGuard.NAME, PlainLinkGuard.accepting(role, listener)));
        if (role != LinkRole.ADMIN) {
            tls.ifPresent(internal -> pipeline.addFirst(TLS_HANDLER, new TlsGate(internal.server(), PLAIN_REFUSAL,
                    (peer, reason) -> listener.refused(peer, role, false, reason))));
        }
    }

    /**
     * Guards a connection this process opens for {@code role}: the cluster secret's handshake, or without a secret a
     * {@link PlainLinkGuard} that tells a peer's refusal for the lack of one; TLS first, if configured.
     */
    public void guardConnecting(ChannelPipeline pipeline, LinkRole role, LinkAuthHandler.RefusalListener listener) {
        clusterSecret.ifPresentOrElse(
                secret -> pipeline.addFirst(LinkAuthHandler.NAME, LinkAuthHandler.connecting(secret, role, listener)),
                () -> pipeline.addFirst(PlainLinkGuard.NAME, PlainLinkGuard.connecting(role, listener)));
        if (role != LinkRole.ADMIN) {
            tls.ifPresent(internal -> {
                SslHandler handler = internal.client().newHandler(pipeline.channel().alloc());
                handler.handshakeFuture().addListener(handshake -> {
                    // a link that never opened (no remote address) was not refused: the peer is down
                    if (pipeline.channel().remoteAddress() != null) {
                        TlsGate.refusal(handshake).ifPresent(reason ->
                                listener.refused(pipeline.channel().remoteAddress(), role, true, reason));
                    }
                });
                pipeline.addFirst(TLS_HANDLER, handler);
            });
        }
    }
}
