package tuplespace.codec;

import java.util.Optional;

/** The operators of the tuple space (docs/protocol.md "The data"). Names are case-insensitive on the wire. */
public enum Operator {
    GET,
    PUT,
    POST,
    DELETE;

    /** The list named in errors: "GET, PUT, POST or DELETE". */
    static final String EXPECTED = "GET, PUT, POST or DELETE";

    /**
     * The error for a line naming no operator: {@code name} is not one. AUTH gets a word of its own: a client that sent
     * it twice, or to a proxy that takes no token, was told only that it is not implemented.
     */
    static String notImplemented(String name) {
        // the name's start only: a line of 200 KB with no space is one "name"
        return "operator '" + Lines.shortened(name, Lines.SHOWN_CHARS) + "' is not implemented (expected " + EXPECTED
                + ")"
                + (equalsAsciiIgnoreCase("AUTH", name) ? "; AUTH is taken only as a connection's first line, by a"
                        + " proxy started with --client-auth-file" : "");
    }

    /** The wire name, upper case. */
    public String wire() {
        return name();
    }

    /**
     * The operator named {@code name}, compared ASCII-case-insensitively (so {@code get} and {@code Get} are GET,
     * but no locale-dependent folding such as Turkish dotless i applies). Empty when there is none.
     */
    public static Optional<Operator> parse(String name) {
        for (Operator operator : values()) {
            if (equalsAsciiIgnoreCase(operator.name(), name)) {
                return Optional.of(operator);
            }
        }
        return Optional.empty();
    }

    private static boolean equalsAsciiIgnoreCase(String upper, String candidate) {
        if (candidate.length() != upper.length()) {
            return false;
        }
        for (int i = 0; i < upper.length(); i++) {
            char c = candidate.charAt(i);
            char folded = c >= 'a' && c <= 'z' ? (char) (c - 'a' + 'A') : c;
            if (folded != upper.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
