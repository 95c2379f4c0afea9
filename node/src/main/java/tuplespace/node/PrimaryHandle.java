package tuplespace.node;

import java.net.InetSocketAddress;

/**
 * How a backup knows its primary (PRIMARY_HANDLE): a pid on the same machine, which the backup kills before it takes
 * over (a SIGSTOPped process dies too), or the primary's {@code host:port} on another machine, which no pid names: there
 * the proxy is the only fence (it serves the primary of the highest epoch alone).
 */
sealed interface PrimaryHandle {

    /** The primary runs on this machine as {@code pid}. */
    record Pid(long pid) implements PrimaryHandle {
        public Pid {
            if (pid < 1) {
                throw new IllegalArgumentException("PRIMARY_HANDLE: expected a positive pid, found " + pid);
            }
        }

        @Override
        public String toString() {
            return Long.toString(pid);
        }
    }

    /** The primary runs on another machine; {@code address} is its SHUTDOWN_SAP, for the operator's logs. */
    record Address(InetSocketAddress address) implements PrimaryHandle {
        @Override
        public String toString() {
            return NodeNetwork.describe(address);
        }
    }

    /**
     * Parses PRIMARY_HANDLE other than {@code null}: a bare number is a pid, {@code host:port} an address.
     *
     * @throws IllegalArgumentException naming what was expected and what was found
     */
    static PrimaryHandle parse(String value) {
        if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
            try {
                return new Pid(Long.parseLong(value));
            } catch (NumberFormatException e) {
                // too long for a pid: reported below
            }
        } else if (value.indexOf(':') > 0) {
            try {
                return new Address(tuplespace.codec.Sap.parse(value).toSocketAddress());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("PRIMARY_HANDLE: expected null, the primary's pid or its host:port,"
                        + " found '" + value + "' (" + e.getMessage() + ")");
            }
        }
        throw new IllegalArgumentException("PRIMARY_HANDLE: expected null, the primary's pid (a positive number) or its"
                + " host:port, found '" + value + "'");
    }
}
