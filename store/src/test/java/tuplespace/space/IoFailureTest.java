package tuplespace.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an operator reads when a file operation fails. */
class IoFailureTest {

    @TempDir
    Path directory;

    @Test
    void aFileSystemExceptionThatCarriesOnlyItsPathSaysWhatWentWrongWithIt() {
        Path missing = directory.resolve("gone").resolve("save.json");
        IOException failure = catchThrowableOfType(() -> Files.writeString(missing, "x"), IOException.class);

        assertThat(failure).isInstanceOf(NoSuchFileException.class).hasMessage(missing.toString()); // the JDK's own
        assertThat(IoFailure.describe(failure)).isEqualTo("no such file or directory: " + missing);
    }

    @Test
    void aFileWhereADirectoryIsNeededIsNamedSo() throws IOException {
        Path file = Files.writeString(directory.resolve("afile"), "x");
        IOException failure = catchThrowableOfType(() -> Files.createDirectories(file), IOException.class);

        assertThat(IoFailure.describe(failure)).startsWith("exists already").endsWith(": " + file);
    }

    @Test
    void aReasonTheExceptionGivesIsKept() {
        assertThat(IoFailure.describe(new FileSystemException("/d/f", null, "No space left on device")))
                .isEqualTo("/d/f: No space left on device");
        assertThat(IoFailure.describe(new IOException("Input/output error"))).isEqualTo("Input/output error");
    }

    @Test
    void aHostThatDoesNotResolveIsNamedSoNotNull() {
        assertThat(new java.nio.channels.UnresolvedAddressException().getMessage()).isNull(); // the JDK's own
        assertThat(IoFailure.describe(new java.nio.channels.UnresolvedAddressException()))
                .isEqualTo("the host name cannot be resolved");
        assertThat(IoFailure.describe(new java.net.UnknownHostException("nosuchhost.invalid: Name or service not known")))
                .isEqualTo("the host name cannot be resolved (Name or service not known)");
    }

    @Test
    void aConnectionRefusedSaysSoWithoutTheNativeCallOrTheAddressItWasAbout() {
        assertThat(IoFailure.describe(new java.net.ConnectException(
                "finishConnect(..) failed with error(-111): Connection refused: /127.0.0.1:7011")))
                .isEqualTo("Connection refused");
        assertThat(IoFailure.describe(new java.net.ConnectException("Connection refused: /10.0.0.2:7011")))
                .isEqualTo("Connection refused"); // NIO's
        assertThat(IoFailure.describe(new java.net.ConnectException(
                "finishConnect(..) failed with error(-111): Connection refused: b/10.0.0.2:7011")))
                .as("a host given by name").isEqualTo("Connection refused");
        assertThat(IoFailure.describe(new java.net.ConnectException("connect(..) failed: No route to host")))
                .isEqualTo("No route to host");
    }

    @Test
    void aSocketsFailureSaysWhatHappenedWithoutTheNativeCall() {
        String reset = "io_uring read(..) failed with error(-104): Connection reset by peer";
        assertThat(IoFailure.reason(new IOException(reset))).isEqualTo("Connection reset by peer");
        assertThat(IoFailure.reason(new IOException("writev(..) failed: Broken pipe"))).isEqualTo("Broken pipe");
        assertThat(IoFailure.reason(new IOException("Connection reset"))).isEqualTo("Connection reset"); // NIO's
    }

    @Test
    void theFailureInsideAnAsynchronousStepIsDescribedNotItsWrapper() {
        IOException full = new IOException("No space left on device");
        assertThat(IoFailure.describe(new java.util.concurrent.CompletionException(full)))
                .isEqualTo("No space left on device");
    }

    @Test
    void theReasonAloneLeavesOutThePath() {
        assertThat(IoFailure.reason(new java.nio.file.AccessDeniedException("/d/.f.123.tmp"))).isEqualTo("permission denied");
        assertThat(IoFailure.reason(new FileSystemException("/d/f", null, "No space left on device")))
                .isEqualTo("No space left on device");
    }

    /** A space file's failure names its file in its message; its reason is the problem alone (a save that failed). */
    @Test
    void aSpaceFilesFailureIsDescribedWithItsFileAndReasonedWithout() {
        SpaceFileException failed = SpaceFileException.cannotSave(Path.of("/d/space.json"), "No space left on device",
                null);
        assertThat(IoFailure.describe(failed)).isEqualTo("/d/space.json: cannot save the space: No space left on device");
        assertThat(IoFailure.reason(new java.util.concurrent.CompletionException(failed)))
                .isEqualTo("No space left on device");
    }
}
