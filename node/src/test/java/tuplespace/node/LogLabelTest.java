package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** docs/internals.md "Log lines": the node labels its log lines with its role on every role change. */
@Timeout(10)
class LogLabelTest {

    private final String before = System.getProperty(ServerNode.ROLE_PROPERTY);

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(ServerNode.ROLE_PROPERTY);
        } else {
            System.setProperty(ServerNode.ROLE_PROPERTY, before);
        }
    }

    @Test
    void aBackupIsLabelledBackupAndAPromotedBackupPrimaryUntilItStops() {
        System.clearProperty(ServerNode.ROLE_PROPERTY);
        ServerNode.labelLogLines(NodeRole.BACKUP);
        assertThat(System.getProperty(ServerNode.ROLE_PROPERTY)).isEqualTo("backup");
        ServerNode.labelLogLines(NodeRole.PRIMARY);
        assertThat(System.getProperty(ServerNode.ROLE_PROPERTY)).isEqualTo("primary");
        ServerNode.labelLogLines(NodeRole.STOPPING);
        ServerNode.labelLogLines(NodeRole.STOPPED);
        assertThat(System.getProperty(ServerNode.ROLE_PROPERTY)).isEqualTo("primary");
    }
}
