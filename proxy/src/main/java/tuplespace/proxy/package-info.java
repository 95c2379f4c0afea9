/**
 * The proxy process (docs/protocol.md, docs/design.md "Processes and links"): clients send request lines to CLIENT_SAP;
 * the proxy tags each {@code (conn, seq)} and relays it as a frame to the registered primary, returning answers in
 * request order per connection. It never interprets operations. It holds requests while no primary is registered,
 * answers them {@code unavailable} once held {@code --primary-timeout} without one, and resends every unanswered request to a new
 * primary of a higher epoch. Entry points: {@link tuplespace.proxy.ProxyCommand} (picocli),
 * {@link tuplespace.proxy.ProxyMain}, {@link tuplespace.proxy.ProxyServer}.
 */
package tuplespace.proxy;
