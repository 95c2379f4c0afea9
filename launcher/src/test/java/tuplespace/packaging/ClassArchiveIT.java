package tuplespace.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The package step leaves a class-data archive beside the fat jar that a JVM running that jar can map: with
 * {@code -Xshare:on} the JVM refuses to start unless it maps it, so a stale or foreign archive fails here.
 */
@Timeout(60)
class ClassArchiveIT {

    private static final Path JAR = Path.of("target", "tuplespace.jar").toAbsolutePath();
    private static final Path ARCHIVE = Path.of("target", "tuplespace.jsa").toAbsolutePath();
    private static final Path TRAINING_LOG = Path.of("target", "tuplespace.jsa.training.log").toAbsolutePath();

    @Test
    void theArchiveBesideTheJarIsOneItsJvmsMap() throws Exception {
        assertThat(ARCHIVE).as(() -> "the package step's class-data archive; " + trainingLog()).isRegularFile();
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:on", "-XX:SharedArchiveFile=" + ARCHIVE, "-Xlog:class+load=info",
                "-cp", JAR.toString(), "tuplespace.node.ServerMain", "--help").redirectErrorStream(true).start();
        String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(jvm.waitFor(50, TimeUnit.SECONDS)).isTrue();
        assertThat(jvm.exitValue()).as(output).isZero();
        assertThat(output).as("node classes mapped from the archive")
                .containsPattern("tuplespace\\.node\\.ServerMain source: shared objects file");
        assertThat(output).as("picocli's classes (Java 5 class files, which only a static archive holds) mapped too")
                .containsPattern("picocli\\.CommandLine source: shared objects file");
        assertThat(Files.size(ARCHIVE)).isPositive();
    }

    /** Why the training gave up, and the service's log of that run, as the training script left them. */
    private static String trainingLog() {
        try {
            return "the training's log:\n" + Files.readString(TRAINING_LOG);
        } catch (IOException e) {
            return "no training log either (" + TRAINING_LOG + "): " + e;
        }
    }
}
