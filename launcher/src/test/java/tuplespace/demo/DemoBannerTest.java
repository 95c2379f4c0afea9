package tuplespace.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import tuplespace.node.persistence.FsyncMode;

class DemoBannerTest {

    private static final ServiceStatus READY = new ServiceStatus(10, OptionalLong.of(11), 2, 3, "live",
            OptionalLong.of(12), "registered");

    /** The data line names the --fsync the primary runs with, a --server-option's too, not the default. */
    @Test
    void theDataLineNamesTheFsyncModeInForce() {
        String banner = banner(Optional.of(new DemoBanner.Data(Path.of("/srv/demo-data"), FsyncMode.EVERYSEC)));

        assertThat(banner).contains("  data     /srv/demo-data (write-ahead logs and snapshots, --fsync everysec)\n")
                .contains("kill -9 every process, run the demo again");
    }

    @Test
    void withoutADataDirectoryTheSpaceIsInMemoryOnly() {
        String banner = banner(Optional.empty());

        assertThat(banner).contains("  data     none: memory only (--data-dir none)\n")
                .doesNotContain("kill -9 every process");
    }

    @Test
    void aFailoverIsOfferedOnlyWithALiveBackup() {
        assertThat(banner(Optional.empty())).contains("  kill -9 11     the backup takes over; connected clients keep"
                + " going\n");
        ServiceStatus degraded = new ServiceStatus(10, OptionalLong.of(11), 2, 3, "degraded", OptionalLong.empty(),
                "registered");

        assertThat(banner(Optional.empty(), degraded)).doesNotContain("kill -9 11").contains("  not now: no backup is"
                + " live (degraded), so nobody would take over from the primary; the status command above says why\n");
    }

    private static String banner(Optional<DemoBanner.Data> data) {
        return banner(data, READY);
    }

    private static String banner(Optional<DemoBanner.Data> data, ServiceStatus status) {
        StringWriter text = new StringWriter();
        new DemoBanner(new DemoPorts("127.0.0.1", 7700), Path.of("/srv/space.json"), false, data, false)
                .print(new PrintWriter(text), status);
        return text.toString().replace(System.lineSeparator(), "\n");
    }
}
