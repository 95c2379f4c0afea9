package tuplespace.proxy;

import io.netty.channel.EventLoop;
import tuplespace.codec.auth.LinkAuthHandler;

/**
 * What the handlers of one proxy share: its configuration, its pid, the client sessions and the
 * primary registry, the control event loop that owns the registry, the one listener told of refused peers
 * (which holds back repeats: {@link ProxyInitializer#refusedPeers}), and the log of clients refused when full.
 */
record ProxyContext(ProxyConfig config, long pid, ClientSessions sessions, PrimaryRegistry registry,
        EventLoop controlLoop, LinkAuthHandler.RefusalListener refusedPeers, RefusalLog fullRefusals) {
}
