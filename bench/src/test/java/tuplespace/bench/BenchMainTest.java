package tuplespace.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;
import tuplespace.bench.load.OperationMix;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BenchMainTest {

    @Test
    void durationsTakeUnits() {
        assertThat(BenchMain.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(BenchMain.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(BenchMain.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(BenchMain.parseDuration("PT3S")).isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(() -> BenchMain.parseDuration("soon")).hasMessageContaining("500ms, 10s or 2m").hasMessageContaining("'soon'");
    }

    @Test
    void addressesNeedHostAndPort() {
        assertThat(BenchMain.parseAddress("127.0.0.1:6379").getPort()).isEqualTo(6379);
        assertThat(BenchMain.parseAddress("[::1]:7000").getAddress().isLoopbackAddress()).isTrue();
        assertThatThrownBy(() -> BenchMain.parseAddress("localhost")).hasMessageContaining("HOST:PORT").hasMessageContaining("'localhost'");
        assertThatThrownBy(() -> BenchMain.parseAddress("h:99999")).hasMessageContaining("port 1-65535").hasMessageContaining("'99999'");
    }

    @Test
    void loadCommandParsesEveryOption() {
        CommandLine line = BenchMain.commandLine();
        CommandLine.ParseResult parsed = line.parseArgs("load", "--target", "redis", "--address", "127.0.0.1:1",
                "--connections", "8", "--pipeline", "16", "--mix", "put=1,get=3", "--duration", "5s", "--warmup", "0s");
        BenchMain.LoadCommand load = (BenchMain.LoadCommand) parsed.subcommand().commandSpec().userObject();
        assertThat(load.system).isEqualTo(BenchMain.LoadCommand.Kind.REDIS);
        assertThat(load.connections).isEqualTo(8);
        assertThat(load.pipeline).isEqualTo(16);
        assertThat(load.mix).isEqualTo(new OperationMix(1, 0, 3, 0));
        assertThat(load.duration).isEqualTo(Duration.ofSeconds(5));
        assertThat(load.valueSize).isEqualTo(20);
    }

    @Test
    void suiteOnlyTakesPartNamesAndABadOneIsAnsweredWithExitStatus2() {
        CommandLine line = BenchMain.commandLine();
        CommandLine.ParseResult parsed = line.parseArgs("suite", "--quick", "--only", "failover,resync");
        BenchMain.SuiteCommand suite = (BenchMain.SuiteCommand) parsed.subcommand().commandSpec().userObject();
        assertThat(suite.quick).isTrue();
        assertThat(suite.only).containsExactlyInAnyOrder(Suite.Part.FAILOVER, Suite.Part.RESYNC);
        BenchMain.SuiteCommand slow = (BenchMain.SuiteCommand) BenchMain.commandLine()
                .parseArgs("suite", "--only", "slow_readers").subcommand().commandSpec().userObject();
        assertThat(slow.only).containsExactly(Suite.Part.SLOW_READERS);

        StringWriter errors = new StringWriter();
        CommandLine fresh = BenchMain.commandLine().setErr(new PrintWriter(errors));
        assertThat(fresh.execute("suite", "--only", "everything")).isEqualTo(2);
        assertThat(errors.toString()).contains("everything").contains("THROUGHPUT");
    }
}
