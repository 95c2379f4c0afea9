package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class ClientLineDecoderTest {

    private final EmbeddedChannel channel = new EmbeddedChannel(new ClientLineDecoder(8, 64));

    @Test
    void splitsLinesOnLfAndCrLfAcrossReads() {
        write("GET a .*\r\nPU");
        write("T\n\n");
        assertThat(line(channel)).isEqualTo("GET a .*");
        assertThat(line(channel)).isEqualTo("PUT");
        assertThat(line(channel)).isEqualTo("");
        assertThat((Object) channel.readInbound()).isNull();
    }

    /** At the end of the input every whole line is a request, and bytes after the last newline are reported. */
    @Test
    void atTheEndOfTheInputWholeLinesAreLinesAndTheRestIsUnterminated() {
        EmbeddedChannel halfClosed = new EmbeddedChannel(new ClientLineDecoder(64, 64));
        halfClosed.config().setAutoRead(false); // paused, then resumed: the lines wait for reading to resume
        halfClosed.writeInbound(Unpooled.copiedBuffer("GET a .*\nGET b .*\nPUT c,1 v", StandardCharsets.UTF_8));
        assertThat((Object) halfClosed.readInbound()).isNull();
        halfClosed.config().setAutoRead(true);
        halfClosed.pipeline().fireUserEventTriggered(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
        assertThat(line(halfClosed)).isEqualTo("GET a .*");
        assertThat(line(halfClosed)).isEqualTo("GET b .*");
        assertThat((Object) halfClosed.readInbound()).isEqualTo(new ClientLineDecoder.UnterminatedLine("PUT c,1 v", 9));
    }

    /**
     * While the session does not read the client (it holds its limit of unanswered requests), what the end of input
     * brings goes to the session decoded, for it to take as that limit allows; past the bytes kept (the transport reads
     * all the socket holds then, megabytes) the lines are counted, not decoded.
     */
    @Test
    void atTheEndOfTheInputWhileNotReadingTheLinesLeftAreKeptUpToTheBoundAndCountedPastIt() {
        EmbeddedChannel halfClosed = new EmbeddedChannel(new ClientLineDecoder(64, 18));
        halfClosed.config().setAutoRead(false);
        halfClosed.writeInbound(Unpooled.copiedBuffer("GET a .*\nGET b .*\nGET c .*\nGET d .*\nPUT e,1 v",
                StandardCharsets.UTF_8));
        halfClosed.pipeline().fireUserEventTriggered(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
        ClientLineDecoder.LinesAfterEnd left = halfClosed.readInbound();
        assertThat(left.items()).hasSize(3);
        assertThat(left.items().subList(0, 2)).extracting(line -> ((ByteBuf) line).toString(StandardCharsets.UTF_8))
                .containsExactly("GET a .*", "GET b .*");
        assertThat(left.items().get(2)).isEqualTo(new ClientLineDecoder.UnreadLines("GET c .*", 2, 27));
        left.items().forEach(io.netty.util.ReferenceCountUtil::release);
        assertThat((Object) halfClosed.readInbound()).isNull();

        EmbeddedChannel little = new EmbeddedChannel(new ClientLineDecoder(64, 1024));
        little.config().setAutoRead(false);
        little.writeInbound(Unpooled.copiedBuffer("GET a .*\nPUT e,1 v", StandardCharsets.UTF_8));
        little.pipeline().fireUserEventTriggered(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
        ClientLineDecoder.LinesAfterEnd all = little.readInbound();
        assertThat(all.items()).hasSize(2);
        assertThat(all.items().get(1)).isEqualTo(new ClientLineDecoder.UnterminatedLine("PUT e,1 v", 9));
        all.items().forEach(io.netty.util.ReferenceCountUtil::release);
    }

    @Test
    void aLineOfExactlyTheLimitIsALine() {
        write("12345678\r\n12345678\n");
        assertThat(line(channel)).isEqualTo("12345678");
        assertThat(line(channel)).isEqualTo("12345678");
    }

    @Test
    void anOverlongLineIsReportedOnceWithItsBeginningAndTheRestIsDiscarded() {
        write("ok\n{\"id\":7,");
        write("\"op\":\"GET\"}\nGET more\n");
        assertThat(line(channel)).isEqualTo("ok");
        assertThat((Object) channel.readInbound())
                .isEqualTo(new ClientLineDecoder.OverlongLine("{\"id\":7,\"op\":\"GET\"}\nGET more\n"));
        write("GET after\n");
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void anOverlongLineWithoutNewlineIsCaughtBeforeBufferingMore() {
        write("0123456789");
        assertThat((Object) channel.readInbound()).isInstanceOf(ClientLineDecoder.OverlongLine.class);
    }

    @Test
    void aLongLineDribbledInSmallPiecesIsSearchedOnceAndDecodedWhole() {
        int lineBytes = 1 << 20;
        ClientLineDecoder decoder = new ClientLineDecoder(lineBytes, 64);
        EmbeddedChannel large = new EmbeddedChannel(decoder);
        byte[] line = ("GET " + "k".repeat(lineBytes - 7) + " .*").getBytes(StandardCharsets.UTF_8);
        for (int offset = 0; offset < line.length; offset += 512) {
            large.writeInbound(Unpooled.wrappedBuffer(line, offset, Math.min(512, line.length - offset)));
        }
        assertThat((Object) large.readInbound()).isNull();
        large.writeInbound(Unpooled.copiedBuffer("\r\nGET next .*\n", StandardCharsets.UTF_8));
        String decoded = line(large);
        assertThat(decoded).hasSize(lineBytes).startsWith("GET kkk").endsWith("k .*");
        assertThat(line(large)).isEqualTo("GET next .*");
        // linear: every byte searched once (rescanning from the line's start on every piece would be ~2^30 bytes)
        assertThat(decoder.bytesSearched).isEqualTo(line.length + 2L + "GET next .*\n".length());
    }

    @Test
    void aLineIsASliceOfTheClientsBytesWithNonAsciiAndInvalidUtf8PassedUntouched() {
        byte[] bytes = {'G', 'E', 'T', ' ', (byte) 0xC3, (byte) 0xA9, (byte) 0xFF, '\r', '\n'};
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        ByteBuf line = channel.readInbound();
        assertThat(ByteBufUtil.getBytes(line)).containsExactly('G', 'E', 'T', ' ', (byte) 0xC3, (byte) 0xA9, (byte) 0xFF);
        assertThat(line.unwrap()).as("a slice of the read buffer, not a copy").isNotNull();
        line.release();
    }

    @Test
    void aLineOneByteOverTheLimitIsOverlong() {
        write("123456789\n");
        assertThat((Object) channel.readInbound()).isInstanceOf(ClientLineDecoder.OverlongLine.class);
        assertThat((Object) channel.readInbound()).isNull();
    }

    /** The next line the decoder gave, as text (released). */
    private static String line(EmbeddedChannel channel) {
        ByteBuf line = channel.readInbound();
        try {
            return line.toString(StandardCharsets.UTF_8);
        } finally {
            line.release();
        }
    }

    private void write(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }
}
