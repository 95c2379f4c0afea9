package tuplespace.proxy;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The line commands of a shutdown SAP (docs/internals.md "Shutdown SAPs"), matched case-insensitively. */
enum ShutdownPortCommand {
    SHUTDOWN,
    STATUS,
    /** The proxy's only: the operator's override, promoting the one backup that follows (docs/design.md "Failover"). */
    PROMOTE,
    /** The proxy's only: the planned switchover, making the backup the primary with nothing lost (docs/design.md). */
    SWITCHOVER;

    static Optional<ShutdownPortCommand> parse(String line) {
        String word = line.strip().toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(command -> command.name().equals(word)).findFirst();
    }
}
