package tuplespace.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class GcLogTest {

    private static final List<String> LOG = List.of(
            "[1796180948971ms] Using G1",
            "[1796180950776ms] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 18M->5M(380M) 33.067ms",
            "[1796180951000ms] GC(1) Pause Young (Concurrent Start) (G1 Humongous Allocation) 900K->700K(2G) 1.500ms",
            "[1796180951100ms] GC(1) Concurrent Mark Cycle",
            "[1796180951204ms] GC(1) Pause Remark 2G->1G(2G) 4.000ms",
            "[1796180952047ms] GC(2) Pause Full (System.gc()) 222M->81M(280M) 193.268ms");

    @Test
    void readsEveryPauseWithItsUnitsAndSkipsOtherLines() {
        List<GcLog.Pause> pauses = GcLog.parse(LOG);
        assertThat(pauses).hasSize(4);
        assertThat(pauses.get(0)).isEqualTo(new GcLog.Pause(1796180950776L, "Pause Young (Normal) (G1 Evacuation Pause)",
                18L << 20, 5L << 20, 380L << 20, 33.067));
        assertThat(pauses.get(1).usedBeforeBytes()).isEqualTo(900L << 10);
        assertThat(pauses.get(2).usedBeforeBytes()).isEqualTo(2L << 30);
        assertThat(pauses.get(3).kind()).isEqualTo("Pause Full (System.gc())");
    }

    @Test
    void onlyYoungMixedAndFullPausesLeaveTheLiveSet() {
        List<GcLog.Pause> pauses = GcLog.parse(LOG);
        assertThat(pauses).extracting(GcLog.Pause::evacuating).containsExactly(true, true, false, true);
    }

    @Test
    void keepsThePausesOfAWindowAndFindsTheLongest() {
        List<GcLog.Pause> window = GcLog.between(GcLog.parse(LOG), 1796180951000L, 1796180952047L);
        assertThat(window).hasSize(3);
        assertThat(GcLog.longestMillis(window)).isEqualTo(193.268);
        assertThat(GcLog.longestMillis(List.of())).isZero();
    }

    @Test
    void theOptionNamesTheFileTheLogIsReadFrom() {
        java.nio.file.Path directory = java.nio.file.Path.of("/tmp/logs");
        assertThat(GcLog.option(directory, "scale-gc")).isEqualTo("-Xlog:gc:file=/tmp/logs/scale-gc-%p.log:timemillis");
        assertThat(GcLog.file(directory, "scale-gc", 42)).isEqualTo(java.nio.file.Path.of("/tmp/logs/scale-gc-42.log"));
    }
}
