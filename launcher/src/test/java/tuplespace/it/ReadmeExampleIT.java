package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tuplespace.testing.ManagedProcess;

/**
 * The README's "Use it from your application" example is run exactly as printed — the Java block saved as its
 * file and started with the command line of the transcript below it — against a real service, with nothing on
 * the class path but what the client library brings an application. Its output must be the transcript's. So
 * the example cannot stop compiling, need a server module, or print something else than the README says.
 */
class ReadmeExampleIT {

    private static final Path README = Path.of("..", "README.md");
    private static final String SECTION = "## Use it from your application";
    /** Written by the client module's build: the library's runtime class path, as an application gets it. */
    private static final Path CLIENT_CLASSPATH = Path.of("..", "client", "target", "runtime-classpath.txt");
    private static final Path CLIENT_CLASSES = Path.of("..", "client", "target", "classes");

    @RegisterExtension
    final Clusters clusters = new Clusters();

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void theReadmeExampleCompilesWithTheLibraryAloneAndPrintsWhatTheReadmeShows() throws Exception {
        String section = readmeSection();
        String source = block(section, "```java\n");
        String transcript = block(section, "```\n$ java ");
        Matcher className = Pattern.compile("public class (\\w+)").matcher(source);
        assertThat(className.find()).as("a public class in the README's example").isTrue();
        Path file = Files.writeString(clusters.runDirectory().resolve(className.group(1) + ".java"), source);

        ServiceCluster cluster = clusters.start(ServiceOptions.defaults());
        ManagedProcess.Result example = ManagedProcess.java(file.toString())
                .noJvmOptions().classPath(libraryClassPath())
                .args(List.of(cluster.clientSap().host(), Integer.toString(cluster.clientSap().port())))
                .run("", Duration.ofSeconds(60));

        assertThat(example.exitCode()).as("exit status; output:\n%s%s", example.out(), example.err()).isZero();
        assertThat(example.out() + example.err()).isEqualTo(transcript.substring(transcript.indexOf('\n') + 1));
    }

    private static String readmeSection() throws IOException {
        String readme = Files.readString(README);
        int start = readme.indexOf(SECTION);
        assertThat(start).as("README has the section %s", SECTION).isNotNegative();
        int end = readme.indexOf("\n## ", start + SECTION.length());
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    /** The text of the first fenced block that opens with {@code opening}, without its fences. */
    private static String block(String section, String opening) {
        int start = section.indexOf(opening);
        assertThat(start).as("a block opening with %s", opening.strip()).isNotNegative();
        int bodyStart = section.indexOf('\n', start) + 1;
        if (opening.startsWith("```\n")) {
            bodyStart = start + "```\n".length();
        }
        int end = section.indexOf("```\n", bodyStart);
        return section.substring(bodyStart, end);
    }

    private static String libraryClassPath() throws IOException {
        assertThat(CLIENT_CLASSPATH).as("built by the client module (mvn verify builds it before this module)").exists();
        return Files.readString(CLIENT_CLASSPATH).strip() + java.io.File.pathSeparator + CLIENT_CLASSES.toAbsolutePath();
    }
}
