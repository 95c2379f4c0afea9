package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
class NodeRoleTest {

    @ParameterizedTest
    @CsvSource({"STARTING,PRIMARY", "STARTING,BACKUP", "BACKUP,PRIMARY", "PRIMARY,STOPPING", "STOPPING,STOPPED",
            "BACKUP,STOPPED", "PRIMARY,STOPPED", "PRIMARY,BACKUP"})
    void allowsTheLifeCycle(NodeRole from, NodeRole to) {
        assertThatCode(() -> NodeRole.validate(from, to)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource({"STOPPED,BACKUP", "STOPPED,PRIMARY", "STOPPING,PRIMARY", "PRIMARY,PRIMARY", "BACKUP,STARTING"})
    void refusesWhatTheTableDoesNotHold(NodeRole from, NodeRole to) {
        // a primary never becomes a backup again: a demoted primary would serve a stale copy
        assertThatThrownBy(() -> NodeRole.validate(from, to))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(from.name()).hasMessageContaining(to.name());
    }

    @Test
    void stoppedIsFinal() {
        for (NodeRole next : NodeRole.values()) {
            assertThatThrownBy(() -> NodeRole.validate(NodeRole.STOPPED, next)).isInstanceOf(IllegalStateException.class);
        }
    }
}
