package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The per-client bounds alone: when the proxy reads a client, from what it holds for it. */
@Timeout(5)
class ClientBoundsTest {

    private static final int BUFFER = 1600;

    private final ClientBounds bounds = new ClientBounds(8, BUFFER);
    private final PendingRequests pending = new PendingRequests();

    @Test
    void aFreshClientMayHaveAFirstWindowOfRequestsUnanswered() {
        for (int i = 1; i < ClientBounds.FIRST_WINDOW / 2; i++) {
            pending.addForwarded(bytes("r"));
        }
        assertThat(new ClientBounds(1024, BUFFER).allowsReading(pending, true)).isTrue();
        while (pending.size() < ClientBounds.FIRST_WINDOW) {
            pending.addForwarded(bytes("r"));
        }
        assertThat(new ClientBounds(1024, BUFFER).allowsReading(pending, true)).isFalse();
    }

    @Test
    void requestsInTheProxyStopReadingAtTheBoundAndResumeBelowHalf() {
        bounds.answerArrived(1); // small answers: only the count binds
        for (int i = 0; i < 8; i++) {
            assertThat(bounds.allowsReading(pending, true)).isTrue();
            pending.addForwarded(bytes("r"));
        }
        assertThat(bounds.allowsReading(pending, true)).isFalse();
        answerAndDeliver(4); // 4 left: half, not below
        assertThat(bounds.allowsReading(pending, false)).isFalse();
        answerAndDeliver(1);
        assertThat(bounds.allowsReading(pending, false)).isTrue();
    }

    @Test
    void requestLineBytesStopReadingAtTheBufferBound() {
        bounds.answerArrived(1);
        pending.addForwarded(bytes("x".repeat(BUFFER - 1)));
        assertThat(bounds.allowsReading(pending, true)).isTrue();
        pending.addForwarded(bytes("y"));
        assertThat(bounds.allowsReading(pending, true)).isFalse();
    }

    @Test
    void theAnswersStillToComeCountAsLargeAsTheLargestRecentAnswer() {
        bounds.answerArrived(400);
        pending.addForwarded(bytes("a"));
        pending.addForwarded(bytes("b"));
        pending.addForwarded(bytes("c"));
        assertThat(bounds.expectedAnswerBytes(pending.unansweredCount())).isEqualTo(1200);
        assertThat(bounds.allowsReading(pending, true)).isTrue();
        pending.addForwarded(bytes("d"));
        assertThat(bounds.allowsReading(pending, true)).isFalse(); // 4 x 400 = the bound
        assertThat(bounds.allowsReading(pending, false)).isFalse();
    }

    @Test
    void theEstimateDecaysWithSmallerAnswersSoOneLargeAnswerNarrowsTheWindowOnlyForAWhile() {
        bounds.answerArrived(1600);
        assertThat(bounds.expectedAnswerBytes(1)).isEqualTo(1600);
        bounds.answerArrived(10);
        assertThat(bounds.expectedAnswerBytes(1)).isEqualTo(1500); // a sixteenth less per answer
        for (int i = 0; i < 100; i++) {
            bounds.answerArrived(10);
        }
        assertThat(bounds.expectedAnswerBytes(1)).isLessThan(16); // (integer steps stop a few bytes above)
        bounds.answerArrived(900);
        assertThat(bounds.expectedAnswerBytes(1)).isEqualTo(900); // a larger answer counts at once
    }

    @Test
    void theChannelIsWritableUpToTheBufferBoundAndAgainBelowHalf() {
        assertThat(bounds.waterMark().high()).isEqualTo(BUFFER);
        assertThat(bounds.waterMark().low()).isEqualTo(BUFFER / 2);
    }

    private void answerAndDeliver(int count) {
        for (PendingRequests.Pending request : pending.unanswered().subList(0, count)) {
            pending.answer(request.seq(), bytes("A\n"));
        }
        pending.takeDeliverable().forEach(ByteBuf::release);
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }
}
