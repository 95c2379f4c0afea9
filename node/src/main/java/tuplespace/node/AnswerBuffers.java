package tuplespace.node;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Answers written into buffers of the node's allocator (pooled direct memory), or on the heap when that memory ran out
 * ({@link OutOfMemoryError} from the allocator: a JVM bounds its direct memory apart from the heap). An answer that
 * could not be had would leave its request unanswered, and its connection waiting behind it for good; and an update's
 * answer is written after the update changed the space, which an error then would leave without an effect to
 * replicate. A heap that runs out ends the process instead ({@link OutOfMemoryExit}).
 */
final class AnswerBuffers {

    private AnswerBuffers() {
    }

    /** {@code text} in UTF-8. */
    static ByteBuf text(ByteBufAllocator allocator, String text) {
        return written(allocator, buffer -> buffer.writeCharSequence(text, StandardCharsets.UTF_8));
    }

    /** What {@code writer} writes into an empty buffer (it may be called twice: a direct buffer, then a heap one). */
    static ByteBuf written(ByteBufAllocator allocator, Consumer<ByteBuf> writer) {
        ByteBuf direct;
        try {
            direct = allocator.buffer();
        } catch (OutOfMemoryError noDirectMemory) {
            return onHeap(writer);
        }
        try {
            writer.accept(direct);
            return direct;
        } catch (OutOfMemoryError noDirectMemory) { // growing it failed
            direct.release();
            return onHeap(writer);
        } catch (RuntimeException | Error e) {
            direct.release();
            throw e;
        }
    }

    private static ByteBuf onHeap(Consumer<ByteBuf> writer) {
        ByteBuf heap = Unpooled.buffer();
        writer.accept(heap);
        return heap;
    }
}
