package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.codec.frame.Frame;
import tuplespace.replication.Change;
import tuplespace.replication.ReplicatedState;
import tuplespace.space.TupleSpace;

/** Direct memory that ran out costs an answer its place in direct memory, never the answer. */
@Timeout(10)
class AnswerBuffersTest {

    /** An allocator whose direct memory is gone: every direct buffer it is asked for fails as the JVM's would. */
    private static final ByteBufAllocator NO_DIRECT_MEMORY = new AbstractByteBufAllocator(true) {
        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            return UnpooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            throw new OutOfMemoryError("Cannot reserve " + initialCapacity + " bytes of direct buffer memory");
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    };

    @Test
    void anAnswerIsWrittenOnTheHeapWhenDirectMemoryIsGone() {
        ByteBuf answer = AnswerBuffers.text(NO_DIRECT_MEMORY, "ok é\n");
        assertThat(answer.isDirect()).isFalse();
        assertThat(answer.toString(StandardCharsets.UTF_8)).isEqualTo("ok é\n");
        answer.release();
        ByteBuf direct = AnswerBuffers.text(UnpooledByteBufAllocator.DEFAULT, "ok\n");
        assertThat(direct.isDirect()).isTrue();
        direct.release();
    }

    /** The update changed the space before its answer was written: it is answered, and its effect replicated. */
    @Test
    void anUpdateAppliedWhenDirectMemoryIsGoneIsAnsweredAndReplicated() {
        ReplicatedState state = new ReplicatedState(new TupleSpace());
        ExactlyOnceRequests requests = new ExactlyOnceRequests(state, new CodecRequestEvaluator(),
                new MatchLimits(Duration.ofMillis(100), Duration.ofSeconds(60)), NO_DIRECT_MEMORY);
        ExactlyOnceRequests.Handled put = requests.handle(new Frame.Request(1, 1, 0, "PUT a 1"));
        assertThat(put.answerText()).startsWith("ok");
        assertThat(put.changes()).singleElement()
                .satisfies(change -> assertThat(((Change.Applied) change).effect().isEmpty()).isFalse());
        assertThat(state.space().size()).isEqualTo(1);
        put.answer().release();
    }
}
