package tuplespace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class PagerTest {

    @TempDir
    Path folder;

    @Test
    void aRequestIsSplitFromItsPagerAtTheLastBarOutsideQuotes() {
        assertThat(Pager.split("GET k,.* .* | less")).hasValue(new Pager.PipedLine("GET k,.* .*", "less"));
        assertThat(Pager.split("GET .* .* | grep x | head -3"))
                .hasValue(new Pager.PipedLine("GET .* .* | grep x", "head -3"));
        assertThat(Pager.split("{\"op\":\"GET\",\"key\":\"a | b\",\"value\":\".*\"} | less"))
                .hasValue(new Pager.PipedLine("{\"op\":\"GET\",\"key\":\"a | b\",\"value\":\".*\"}", "less"));
    }

    @Test
    void aBarInsideAPatternIsNoPipe() {
        assertThat(Pager.split("GET (a|b) .*")).isEmpty();
        assertThat(Pager.split("GET \"a | b\" .*")).isEmpty();
        assertThat(Pager.split("GET \"a \\\" | b\" .*")).isEmpty();
        assertThat(Pager.split("GET a .* | ")).isEmpty();
        assertThat(Pager.split(" | less")).isEmpty();
    }

    @Test
    void theAnswerGoesToTheCommandsStandardInput() throws Exception {
        Path out = folder.resolve("paged.txt");
        try (Pager pager = Pager.start("cat > '" + out + "'")) {
            pager.writer().println("ok: 2 pairs found");
            pager.writer().println("  a   x");
        }
        assertThat(Files.readString(out)).isEqualTo("ok: 2 pairs found\n  a   x\n");
    }

    @Test
    void aPagerThatQuitsEarlyOnlyEndsTheOutput() throws Exception {
        try (Pager pager = Pager.start("head -c 1 > /dev/null")) {
            for (int i = 0; i < 200_000; i++) {
                pager.writer().println("  k," + i + "   v");
            }
        }
    }
}
