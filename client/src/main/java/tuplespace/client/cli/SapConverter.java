package tuplespace.client.cli;

import java.net.InetSocketAddress;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a SAP argument (SPEC §3): {@code host:port}, or {@code [v6address]:port}. A bad value fails the command
 * line with exit status 2 and a message naming what was expected and what was given.
 */
public final class SapConverter implements ITypeConverter<InetSocketAddress> {

    @Override
    public InetSocketAddress convert(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw problem(value, "no host:port separator");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[")) {
            if (!host.endsWith("]") || host.length() == 2) {
                throw problem(value, "an IPv6 address must be written [address]:port");
            }
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw problem(value, "an IPv6 address must be written [address]:port");
        }
        return new InetSocketAddress(host, port(value, value.substring(colon + 1)));
    }

    private static int port(String value, String text) {
        int port;
        try {
            port = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw problem(value, "the port '" + text + "' is not a number");
        }
        if (port < 1 || port > 65535) {
            throw problem(value, "the port " + port + " is outside 1..65535");
        }
        return port;
    }

    private static TypeConversionException problem(String value, String why) {
        return new TypeConversionException(
                "expected a SAP host:port (or [ipv6]:port), found '" + value + "' (" + why + ")");
    }

    /** How an address is written back to a person: the same form the command line takes. */
    public static String format(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
