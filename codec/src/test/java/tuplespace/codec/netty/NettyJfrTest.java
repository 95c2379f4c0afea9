package tuplespace.codec.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NettyJfrTest {

    /**
     * Run in a JVM of its own: turns the events off as our mains do, then makes the first pooled allocation. Netty
     * asks whether JFR is there either way (a few of its classes load); registering events loads its repository.
     */
    public static void main(String[] args) {
        NettyJfr.offUnlessAsked();
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        buffer.release();
    }

    @Test
    void aFirstPooledAllocationLeavesJfrAloneUnlessAskedFor() throws Exception {
        assertThat(classesLoadedBy(List.of())).doesNotContain("jdk.jfr.internal.MetadataRepository ");
        assertThat(classesLoadedBy(List.of("-D" + NettyJfr.PROPERTY + "=true"))).contains("jdk.jfr.internal.MetadataRepository ");
    }

    private static String classesLoadedBy(List<String> options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xlog:class+load=info");
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), NettyJfrTest.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
