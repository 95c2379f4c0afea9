package tuplespace.codec;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A service access point: {@code host:port}, {@code [v6-address]:port} for IPv6 (README "Running it").
 *
 * <p>{@link #parseArgument} and {@link #parseOptionalArgument} give the messages a command line shows: they name
 * the argument, what was expected and what was given. Port 0 is accepted (bind an ephemeral port).
 */
public record Sap(String host, int port) {

    /** The word that stands for an absent SAP argument (README "Running it"). */
    public static final String ABSENT = "null";

    private static final String EXPECTED = "expected host:port (or [IPv6-address]:port) with a port 0..65535";

    public Sap {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("SAP host: expected a host name or address, found "
                    + (host == null ? "nothing" : "'" + host + "'"));
        }
        if (host.contains(" ") || host.startsWith("[")) {
            throw new IllegalArgumentException("SAP host: expected a host name or address without spaces or"
                    + " brackets, found '" + host + "'");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("SAP port: expected 0..65535, found " + port);
        }
    }

    /** Parses {@code host:port} or {@code [::1]:port}; the message names what was expected and found. */
    public static Sap parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException(EXPECTED + ", found nothing");
        }
        String trimmed = text.strip();
        int colon = trimmed.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(EXPECTED + ", found '" + text + "' (no ':port')");
        }
        String host = trimmed.substring(0, colon);
        String portText = trimmed.substring(colon + 1);
        if (host.startsWith("[")) {
            if (!host.endsWith("]") || host.length() < 3) {
                throw new IllegalArgumentException(EXPECTED + ", found '" + text + "' (unbalanced '[...]')");
            }
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException(EXPECTED + ", found '" + text
                    + "' (an IPv6 address must be written in brackets, e.g. [::1]:7000)");
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException(EXPECTED + ", found '" + text + "' (no host)");
        }
        return new Sap(host, parsePort(text, portText));
    }

    /** Parses a required SAP argument; the message starts with the argument's name. */
    public static Sap parseArgument(String argumentName, String text) {
        if (ABSENT.equals(text)) {
            throw new IllegalArgumentException(argumentName + ": " + EXPECTED + ", found 'null' (this argument is"
                    + " required)");
        }
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(argumentName + ": " + e.getMessage(), e);
        }
    }

    /** Parses a SAP argument that may be {@code null} (absent, README "Running it"). */
    public static Optional<Sap> parseOptionalArgument(String argumentName, String text) {
        if (ABSENT.equals(text)) {
            return Optional.empty();
        }
        return Optional.of(parseArgument(argumentName, text));
    }

    /**
     * Refuses two of {@code named} (argument names and their SAPs, in the order a command line gives them) that name
     * one port (as {@link #samePort} says): a process given both could only ever listen on one. The message names both.
     */
    public static void requireDistinct(List<Map.Entry<String, Sap>> entries) {
        for (int later = 1; later < entries.size(); later++) {
            for (int earlier = 0; earlier < later; earlier++) {
                Map.Entry<String, Sap> first = entries.get(earlier);
                Map.Entry<String, Sap> second = entries.get(later);
                if (second.getValue().samePort(first.getValue())) {
                    throw new IllegalArgumentException(second.getKey() + ": expected a port of its own, found "
                            + second.getValue() + ", the port of " + first.getKey() + " (" + first.getValue() + ")");
                }
            }
        }
    }

    /**
     * Whether this and {@code other} name one port: the same port, other than 0 (any free port), on the same host, or
     * where either host is a wildcard address (0.0.0.0, ::), which takes the port on every address. Host names are
     * compared as written, not resolved.
     */
    public boolean samePort(Sap other) {
        return port != 0 && port == other.port
                && (host.equalsIgnoreCase(other.host) || isWildcard(host) || isWildcard(other.host));
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }

    /** An address to bind or connect to (resolves the host name). */
    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    /** The same host with another port (e.g. the port a listener actually bound). */
    public Sap withPort(int newPort) {
        return new Sap(host, newPort);
    }

    @Override
    public String toString() {
        return text(host, port);
    }

    /** {@code host:port}, an IPv6 host in brackets ({@code [::1]:7700}); for any host, a valid SAP's or not. */
    public static String text(String host, int port) {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }

    private static int parsePort(String text, String portText) {
        if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(EXPECTED + ", found '" + text + "' (port '" + portText
                    + "' is not a number)");
        }
        int port = Integer.parseInt(portText);
        if (port > 65_535) {
            throw new IllegalArgumentException(EXPECTED + ", found '" + text + "' (port " + port + " is too big)");
        }
        return port;
    }
}
