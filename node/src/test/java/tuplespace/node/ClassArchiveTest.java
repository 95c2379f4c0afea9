package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ClassArchiveTest {

    @TempDir
    Path dir;

    @Test
    void aJarWithAnArchiveBesideItGetsThatArchive() throws IOException {
        Path jar = Files.createFile(dir.resolve("tuplespace.jar"));
        Path archive = Files.createFile(dir.resolve("tuplespace.jsa"));
        assertThat(ClassArchive.options(jar.toString(), List.of("-Xmx1g")))
                .containsExactly("-XX:SharedArchiveFile=" + archive.toAbsolutePath());
    }

    @Test
    void aJarWithoutAnArchiveGetsNothing() throws IOException {
        Path jar = Files.createFile(dir.resolve("tuplespace.jar"));
        assertThat(ClassArchive.options(jar.toString(), List.of())).isEmpty();
    }

    @Test
    void aClassPathOfSeveralEntriesGetsNoArchive() throws IOException {
        Path jar = Files.createFile(dir.resolve("tuplespace.jar"));
        Files.createFile(dir.resolve("tuplespace.jsa"));
        String classPath = dir.resolve("classes") + File.pathSeparator + jar;
        assertThat(ClassArchive.options(classPath, List.of())).isEmpty();
    }

    @Test
    void theOperatorsClassSharingOptionsWin() throws IOException {
        Path jar = Files.createFile(dir.resolve("tuplespace.jar"));
        Files.createFile(dir.resolve("tuplespace.jsa"));
        assertThat(ClassArchive.options(jar.toString(), List.of("-XX:ArchiveClassesAtExit=new.jsa"))).isEmpty();
        assertThat(ClassArchive.options(jar.toString(), List.of("-Xshare:off"))).isEmpty();
        assertThat(ClassArchive.options(jar.toString(), List.of("-XX:SharedArchiveFile=mine.jsa"))).isEmpty();
    }

    /** Every start relies on it: an archive that is not one for this JVM and class path never stops a start. */
    @Test
    void aDamagedArchiveDoesNotStopAJvm() throws Exception {
        Path damaged = Files.write(dir.resolve("damaged.jsa"), new byte[] {1, 2, 3, 4});
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:SharedArchiveFile=" + damaged, "-version").redirectErrorStream(true).start();
        String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(jvm.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(jvm.exitValue()).as(output).isZero();
    }
}
