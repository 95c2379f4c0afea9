package tuplespace.codec.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.frame.FrameCodec;

/**
 * A message of several MiB arriving in 64 KiB reads is gathered without copying the reads into one growing buffer,
 * and reads the same as with Netty's default; the small messages after it are read from one plain buffer again.
 */
@Timeout(20)
class LargeMessageCumulatorTest {

    private static final int READ_BYTES = 64 * 1024;
    private final ByteBufAllocator alloc = new UnpooledByteBufAllocator(false);

    /** A JSON answer line of about {@code bytes} bytes, as a GET of many pairs gives. */
    private static String bigAnswer(int bytes) {
        StringBuilder line = new StringBuilder(bytes + 64).append("{\"status\":\"ok\",\"pairs\":[");
        for (int i = 0; line.length() < bytes; i++) {
            line.append(i == 0 ? "" : ",").append("[[\"k\",\"").append(i).append("\"],[\"abcdefghijklmnopqrst\"]]");
        }
        return line.append("]}\n").toString();
    }

    /** {@code bytes} written to {@code channel} in reads of {@link #READ_BYTES}. */
    private static void writeInReads(EmbeddedChannel channel, byte[] bytes) {
        for (int from = 0; from < bytes.length; from += READ_BYTES) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, from, Math.min(READ_BYTES, bytes.length - from)));
        }
    }

    @Test
    void aSmallMessageIsMergedAsByDefault() {
        ByteBuf first = alloc.buffer().writeBytes(new byte[100]);
        ByteBuf merged = LargeMessageCumulator.INSTANCE.cumulate(alloc, first, alloc.buffer().writeBytes(new byte[50]));
        assertThat(merged).isNotInstanceOf(CompositeByteBuf.class);
        assertThat(merged.readableBytes()).isEqualTo(150);
        merged.release();
    }

    @Test
    void fromAMiBWaitingOnTheReadsAreKeptAsComponentsAndSmallLeftoversAreMergedAgain() {
        ByteBuf cumulation = alloc.buffer().writeBytes(new byte[LargeMessageCumulator.LARGE_BYTES - 10]);
        ByteBuf read = alloc.buffer().writeBytes(new byte[READ_BYTES]);
        cumulation = LargeMessageCumulator.INSTANCE.cumulate(alloc, cumulation, read);
        assertThat(cumulation).isInstanceOf(CompositeByteBuf.class);
        assertThat(((CompositeByteBuf) cumulation).numComponents()).as("the read is not copied").isEqualTo(2);
        cumulation.skipBytes(cumulation.readableBytes() - 5); // the large message was taken; 5 bytes of the next stay
        cumulation = LargeMessageCumulator.INSTANCE.cumulate(alloc, cumulation, alloc.buffer().writeBytes(new byte[7]));
        assertThat(cumulation).isNotInstanceOf(CompositeByteBuf.class);
        assertThat(cumulation.readableBytes()).isEqualTo(12);
        cumulation.release();
    }

    @Test
    void aBigAnswerInManyReadsIsDecodedWholeAndTheAnswersAfterItToo() {
        String big = bigAnswer(5 * 1024 * 1024);
        String small = "{\"status\":\"ok\",\"pairs\":[]}\n";
        EmbeddedChannel channel = new EmbeddedChannel(new AnswerFrameDecoder());
        writeInReads(channel, (small + big + small + "ok 0 pairs\nend\n").getBytes(StandardCharsets.UTF_8));
        assertThat((String) channel.readInbound()).isEqualTo(small);
        assertThat((String) channel.readInbound()).isEqualTo(big);
        assertThat((String) channel.readInbound()).isEqualTo(small);
        assertThat((String) channel.readInbound()).isEqualTo("ok 0 pairs\nend\n");
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aBigAnswerFrameBetweenSmallOnesIsDecodedWholeByBothFrameDecoders() {
        List<Frame> frames = List.of(new Frame.Answer(1, 1, "{\"status\":\"ok\",\"pairs\":[]}\n"),
                new Frame.Answer(2, 5, bigAnswer(6 * 1024 * 1024)), new Frame.Answer(1, 2, "ok 0 pairs\nend\n"));
        EmbeddedChannel sender = new EmbeddedChannel();
        FrameCodec.install(sender.pipeline());
        frames.forEach(sender::writeOutbound);
        ByteBuf wire = Unpooled.buffer();
        for (ByteBuf out; (out = sender.readOutbound()) != null; ) {
            wire.writeBytes(out);
            out.release();
        }
        byte[] bytes = new byte[wire.readableBytes()];
        wire.readBytes(bytes);
        for (boolean skipping : new boolean[] {false, true}) {
            EmbeddedChannel receiver = new EmbeddedChannel();
            if (skipping) {
                FrameCodec.installSkippingOversize(receiver.pipeline(), FrameCodec.MAX_ANSWER_FRAME_LENGTH);
            } else {
                FrameCodec.install(receiver.pipeline(), FrameCodec.MAX_ANSWER_FRAME_LENGTH);
            }
            writeInReads(receiver, bytes);
            List<Frame> decoded = new ArrayList<>();
            for (Frame frame; (frame = receiver.readInbound()) != null; ) {
                decoded.add(frame);
            }
            assertThat(decoded).as(skipping ? "skipping oversize" : "plain").isEqualTo(frames);
            decoded.forEach(frame -> ((Frame.Answer) frame).answer().release());
            assertThat(receiver.finishAndReleaseAll()).isFalse();
        }
        frames.forEach(frame -> ((Frame.Answer) frame).answer().release());
    }
}
