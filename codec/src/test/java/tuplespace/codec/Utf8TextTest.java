package tuplespace.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Text kept as UTF-8 bytes: copied, read and written as they are, equal by bytes, decoded only by toString. */
class Utf8TextTest {

    private static final String TEXT = "ok 1 pair removed\n  ключ значение 中\nend\n";

    @Test
    void aCopyOfABufferLeavesItsIndicesAndHoldsItsReadableBytes() {
        ByteBuf buffer = Unpooled.buffer().writeBytes("xx".getBytes(StandardCharsets.UTF_8))
                .writeBytes(TEXT.getBytes(StandardCharsets.UTF_8));
        buffer.skipBytes(2);
        int readerIndex = buffer.readerIndex();

        Utf8Text copy = Utf8Text.copyOf(buffer);
        buffer.setByte(readerIndex, 'K'); // the copy does not share the buffer's bytes

        assertThat(buffer.readerIndex()).isEqualTo(readerIndex);
        assertThat(copy).isEqualTo(Utf8Text.of(TEXT)).hasSameHashCodeAs(Utf8Text.of(TEXT));
        assertThat(copy.toString()).isEqualTo(TEXT);
        assertThat(copy.length()).isEqualTo(TEXT.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(TEXT.length());
    }

    @Test
    void writtenAndReadBackItIsTheSameTextAndTheReadStopsAtItsLength() {
        ByteBuf out = Unpooled.buffer();
        Utf8Text.of(TEXT).writeTo(out);
        out.writeByte('!');

        Utf8Text read = Utf8Text.read(out, TEXT.getBytes(StandardCharsets.UTF_8).length);

        assertThat(read).isEqualTo(Utf8Text.of(TEXT));
        assertThat(out.readableBytes()).isEqualTo(1);
        ByteBuf buffer = read.toBuffer(UnpooledByteBufAllocator.DEFAULT);
        assertThat(buffer.toString(StandardCharsets.UTF_8)).isEqualTo(TEXT);
        buffer.release();
    }

    @Test
    void differentBytesAreDifferentTexts() {
        assertThat(Utf8Text.of("ok\n")).isNotEqualTo(Utf8Text.of("ok \n")).isNotEqualTo("ok\n");
        assertThat(Utf8Text.of("")).isEqualTo(Utf8Text.copyOf(Unpooled.EMPTY_BUFFER));
    }
}
