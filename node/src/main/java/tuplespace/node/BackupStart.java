package tuplespace.node;

import java.util.Objects;

/**
 * How a primary gets its backup ({@code --backup-start}): as a child process on its own machine (the default), from an
 * operator or service manager on another machine that it only waits for ({@code none}), or by running a command that
 * starts one there ({@code sh -c COMMAND}: ssh, systemd, a container runtime).
 */
sealed interface BackupStart {

    /** The primary starts the backup as a child JVM and fences it by pid. */
    record Child() implements BackupStart {
    }

    /** Someone else starts the backup; the primary connects to it (again and again) at the peer's BACKUP_SAP. */
    record None() implements BackupStart {
    }

    /** The primary runs {@code command} with {@code sh -c} to start or restart the backup, then connects to it. */
    record Command(String command) implements BackupStart {
        public Command {
            Objects.requireNonNull(command, "command");
        }
    }

    /**
     * {@code child}, {@code none} or a command.
     *
     * @throws IllegalArgumentException for a blank value
     */
    static BackupStart parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--backup-start: expected child, none or a command to run with sh -c,"
                    + " found an empty string");
        }
        return switch (value.trim()) {
            case "child" -> new Child();
            case "none" -> new None();
            default -> new Command(value);
        };
    }
}
