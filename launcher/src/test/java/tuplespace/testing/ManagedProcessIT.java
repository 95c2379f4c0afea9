package tuplespace.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The one launcher of the tests: output in its directory, waits that give up when the process is gone. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ManagedProcessIT {

    @TempDir
    Path folder;

    @Test
    void outputLandsInTheDirectoryAndAWaitForTextAlreadyWrittenPassesAfterTheExit() {
        try (ManagedProcess help = ManagedProcess.java(ManagedProcess.CLI_MAIN).args(List.of("--help"))
                .start("help", folder)) {
            assertThat(help.awaitExit(Duration.ofSeconds(60))).hasValue(0);
            help.awaitStdout("Commands:", Duration.ofSeconds(5));
            assertThat(folder.resolve("help.out.log")).content().contains("Commands:");
            assertThat(folder.resolve("help.cmd")).content().contains(ManagedProcess.CLI_MAIN + " --help");
        }
    }

    @Test
    void aWaitForTextStopsAtOnceWhenTheProcessExitsWithoutIt() {
        try (ManagedProcess bad = ManagedProcess.java(ManagedProcess.CLI_MAIN).args(List.of("client", "localhost"))
                .start("bad", folder)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> bad.awaitStdout("never printed", Duration.ofSeconds(90)))
                    .isInstanceOf(TerminalFailureException.class)
                    .hasStackTraceContaining("exited with 2").hasStackTraceContaining("CLIENT_SAP");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
        }
    }

    @Test
    void aWaitForAPortStopsAtOnceWhenTheProcessExits() {
        int port = Host.freeLoopbackPorts(1)[0];
        try (ManagedProcess bad = ManagedProcess.java(ManagedProcess.CLI_MAIN).args(List.of("client", "localhost"))
                .start("bad", folder)) {
            assertThatThrownBy(() -> bad.awaitListening(port, Duration.ofSeconds(90)))
                    .isInstanceOf(TerminalFailureException.class).hasStackTraceContaining("exited with 2");
        }
    }
}
