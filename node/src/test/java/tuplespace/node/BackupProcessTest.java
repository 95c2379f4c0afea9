package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How the primary tells the operator that its backup's process ended. */
class BackupProcessTest {

    @Test
    void aStatusAbove128IsTheSignalThatKilledIt() {
        assertThat(BackupProcess.howItEnded(137)).isEqualTo("was killed by signal 9");
    }

    @Test
    void aFailureStatusPointsAtTheBackupsOwnLogLinesAndAtTheJvmsOwn() {
        assertThat(BackupProcess.howItEnded(1)).isEqualTo("exited with status 1 (its own log lines, labelled with its pid,"
                + " say why; a JVM that could not start, for an option of --backup-java-opts it does not know say, says"
                + " why in unlabelled lines)");
        assertThat(BackupProcess.howItEnded(0)).isEqualTo("exited with status 0");
    }

    @Test
    void statusThreeIsAHeapThatRanOut() {
        assertThat(BackupProcess.howItEnded(3))
                .isEqualTo("exited with status 3, as a JVM whose heap ran out does (give it a larger -Xmx with"
                        + " --backup-java-opts)");
    }
}
