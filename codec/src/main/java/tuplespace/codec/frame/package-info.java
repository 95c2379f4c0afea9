/**
 * The proxy⇄primary link (docs/internals.md): {@link tuplespace.codec.frame.Frame} records and the Netty
 * {@link tuplespace.codec.frame.FrameCodec}. The primary opens the connection to the proxy's PRIMARY_SAP,
 * sends {@code REGISTER}, and from {@code REGISTERED} on receives {@code REQUEST}s and returns {@code ANSWER}s;
 * either side sends {@code PING} on an idle link and answers {@code PONG}. A decoding error means the link is
 * broken and should be closed.
 */
package tuplespace.codec.frame;
