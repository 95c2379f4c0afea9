package tuplespace.codec.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NettyDefaultsTest {

    /**
     * Run in a JVM of its own: applies the defaults as our mains do, then makes the first pooled allocation and prints
     * the leak detector's level. Netty asks whether JFR is there either way (a few of its classes load); registering
     * events loads its repository.
     */
    public static void main(String[] args) {
        NettyDefaults.applyUnlessAsked();
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        buffer.release();
        System.out.println("leak detection " + ResourceLeakDetector.getLevel());
    }

    @Test
    void aFirstPooledAllocationLeavesJfrAloneUnlessAskedFor() throws Exception {
        assertThat(outputOf(List.of())).doesNotContain("jdk.jfr.internal.MetadataRepository ");
        assertThat(outputOf(List.of("-D" + NettyDefaults.JFR + "=true"))).contains("jdk.jfr.internal.MetadataRepository ");
    }

    @Test
    void theLeakDetectorIsOffUnlessAskedFor() throws Exception {
        assertThat(outputOf(List.of())).contains("leak detection DISABLED");
        assertThat(outputOf(List.of("-D" + NettyDefaults.LEAK_DETECTION + "=paranoid"))).contains("leak detection PARANOID");
        assertThat(outputOf(List.of("-Dio.netty.leakDetectionLevel=advanced"))).contains("leak detection ADVANCED");
    }

    private static String outputOf(List<String> options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xlog:class+load=info");
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), NettyDefaultsTest.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
