package tuplespace.codec;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The line commands of the proxy's shutdown SAP (docs/internals.md "Shutdown SAPs"), matched case-insensitively; a
 * primary's takes SHUTDOWN and STATUS. The client command refuses to send any of them to a client port.
 */
public enum ShutdownPortCommand {
    SHUTDOWN,
    STATUS,
    /** The proxy's only: the operator's override, promoting the one backup that follows (docs/design.md "Failover"). */
    PROMOTE,
    /** The proxy's only: the planned switchover, making the backup the primary with nothing lost (docs/design.md). */
    SWITCHOVER;

    /** The command {@code line} is, ignoring case and surrounding blanks; empty when it is none. */
    public static Optional<ShutdownPortCommand> parse(String line) {
        String word = line.strip().toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(command -> command.name().equals(word)).findFirst();
    }
}
