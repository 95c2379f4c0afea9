package tuplespace.codec.auth;

import io.netty.channel.ChannelPipeline;
import java.util.Objects;
import java.util.Optional;

/**
 * How a process guards its internal links (docs/internals.md "Link authentication"): with a cluster secret every
 * internal connection starts with the {@link LinkHandshake}; without one, links are open to anyone who can reach
 * the ports (acceptable only on a single machine whose users are all trusted; the process says so once at start).
 *
 * @param clusterSecret the secret of {@code --cluster-secret-file}, if given
 */
public record LinkSecurity(Optional<ClusterSecret> clusterSecret) {

    public LinkSecurity {
        Objects.requireNonNull(clusterSecret, "clusterSecret");
    }

    /** No secret: links unauthenticated, as before the option existed. */
    public static LinkSecurity none() {
        return new LinkSecurity(Optional.empty());
    }

    public static LinkSecurity withSecret(ClusterSecret secret) {
        return new LinkSecurity(Optional.of(secret));
    }

    /**
     * From the value of {@code --cluster-secret-file}: none when {@code file} is null, else the secret it holds.
     *
     * @throws IllegalArgumentException (an argument error) naming the file and what is wrong with it
     */
    public static LinkSecurity fromOption(java.nio.file.Path file) {
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
        return clusterSecret.isPresent() ? Optional.empty() : Optional.of("internal links and the admin port are"
                + " unauthenticated (no " + ClusterSecret.OPTION + "): anyone who can reach PRIMARY_SAP, BACKUP_SAP,"
                + " HEARTBEAT_SAP or a SHUTDOWN_SAP can take over or stop the service; acceptable only on a single"
                + " machine whose users you trust");
    }

    /** Puts the handshake first on a connection this process accepted on a {@code role} port (nothing without a secret). */
    public void guardAccepted(ChannelPipeline pipeline, LinkRole role, LinkAuthHandler.RefusalListener listener) {
        clusterSecret.ifPresent(secret ->
                pipeline.addFirst(LinkAuthHandler.NAME, LinkAuthHandler.accepting(secret, role, listener)));
    }

    /** Puts the handshake first on a connection this process opens for {@code role} (nothing without a secret). */
    public void guardConnecting(ChannelPipeline pipeline, LinkRole role, LinkAuthHandler.RefusalListener listener) {
        clusterSecret.ifPresent(secret ->
                pipeline.addFirst(LinkAuthHandler.NAME, LinkAuthHandler.connecting(secret, role, listener)));
    }
}
