package tuplespace.proxy;

import io.netty.channel.EventLoop;

/**
 * What the handlers of one proxy share: its configuration, identity for log lines, the client sessions and the
 * primary registry, and the control event loop that owns the registry.
 */
record ProxyContext(ProxyConfig config, String self, long pid, ClientSessions sessions, PrimaryRegistry registry,
        EventLoop controlLoop) {
}
