package tuplespace.proxy;

import java.util.Objects;
import java.util.Optional;
import tuplespace.codec.auth.LinkSecurity;

/**
 * Who may talk to the proxy.
 *
 * @param links the cluster secret PRIMARY_SAP and SHUTDOWN_SAP require (and the proxy proves when it relays SHUTDOWN
 *     or STATUS to the primary), if any
 * @param clientToken the token a client must send first ({@code --client-auth-file}), if any
 */
public record ProxySecurity(LinkSecurity links, Optional<ClientToken> clientToken) {

    public ProxySecurity {
        Objects.requireNonNull(links, "links");
        Objects.requireNonNull(clientToken, "clientToken");
    }

    /** Nothing required: as before these options existed. */
    public static ProxySecurity none() {
        return new ProxySecurity(LinkSecurity.none(), Optional.empty());
    }

    public ProxySecurity withClientToken(String token) {
        return new ProxySecurity(links, Optional.of(ClientToken.of(token)));
    }
}
