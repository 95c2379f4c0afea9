package tuplespace.codec.auth;

import java.util.Locale;
import java.util.Optional;

/**
 * What an authenticated internal link is for. The role is inside every proof, so a handshake recorded on one kind
 * of link proves nothing on another, and each listening port accepts only its own role.
 */
public enum LinkRole {
    /** A primary to the proxy's PRIMARY_SAP: REGISTER and every frame after it. */
    PRIMARY("primary"),
    /** The primary to the backup's BACKUP_SAP: the replication stream. */
    REPLICATION("replication"),
    /** The backup to the primary's HEARTBEAT_SAP. */
    HEARTBEAT("heartbeat"),
    /** An operator (or the proxy relaying one) to a SHUTDOWN_SAP: SHUTDOWN, STATUS, PROMOTE or SWITCHOVER. */
    ADMIN("admin");

    private final String wireName;

    LinkRole(String wireName) {
        this.wireName = wireName;
    }

    /** The word the handshake carries. */
    public String wireName() {
        return wireName;
    }

    static Optional<LinkRole> fromWire(String word) {
        for (LinkRole role : values()) {
            if (role.wireName.equals(word.toLowerCase(Locale.ROOT))) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
