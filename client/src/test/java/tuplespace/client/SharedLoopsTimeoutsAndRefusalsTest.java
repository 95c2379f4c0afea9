package tuplespace.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.client.testing.FakeLineServer;
import tuplespace.codec.Answers;
import tuplespace.codec.Status;
import tuplespace.tuple.Pair;

/**
 * The library's machinery behind its contract: event loops shared between clients (and a caller's own group),
 * one timeout timer per connection, requests sent from the event loop itself, and refusals read in both modes.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SharedLoopsTimeoutsAndRefusalsTest {

    private static final ClientOptions OPTIONS = ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(10));

    /**
     * A thread that sends without pause: what it queued goes out, and answers come back, while it goes on. The loop used
     * to write until the queue was empty before it flushed, which a sender that never pauses never let happen: nothing
     * was sent, no answer read, and the queue grew until the heap was full.
     */
    @Test
    void aSenderThatNeverPausesIsAnsweredWhileItSends() throws Exception {
        try (FakeLineServer server = FakeLineServer.withSpace();
             TupleSpaceClient space = TupleSpaceClient.connect("127.0.0.1", server.port(), OPTIONS)) {
            CompletableFuture<Answer> first = space.getAsync("a", ".*");
            long sent = 1;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!first.isDone() && System.nanoTime() - until < 0) {
                space.getAsync("a", ".*");
                sent++;
            }
            assertThat(first).as("answered while %d requests were sent after it", sent).isDone();
            assertThat(first.get().pairs()).isEmpty();
        }
    }

    @Test
    void closingOneClientLeavesTheSharedEventLoopsToTheOthers() throws IOException {
        try (FakeLineServer server = FakeLineServer.withSpace()) {
            TupleSpaceClient first = TupleSpaceClient.connect("127.0.0.1", server.port(), OPTIONS);
            try (TupleSpaceClient second = TupleSpaceClient.connect("127.0.0.1", server.port(), OPTIONS)) {
                first.put(List.of(Pair.of("a", "1")));
                first.close();

                assertThatThrownBy(() -> first.get(".*", ".*")).isInstanceOf(ConnectionLostException.class);
                assertThat(second.get("a", ".*").pairs()).containsExactly(Pair.of("a", "1"));
                try (TupleSpaceClient third = TupleSpaceClient.connect("127.0.0.1", server.port(), OPTIONS)) {
                    assertThat(third.put(List.of(Pair.of("b", "2"))).pairs()).isEmpty();
                }
                assertThat(second.get(".*", ".*").pairs()).containsExactly(Pair.of("a", "1"), Pair.of("b", "2"));
            }
        }
    }

    @Test
    void aGroupTheCallerGivesRunsTheConnectionAndIsNeverShutDownByTheClient() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (FakeLineServer server = FakeLineServer.withSpace()) {
            ClientOptions options = OPTIONS.withEventLoopGroup(group);
            TupleSpaceClient space = TupleSpaceClient.connect("127.0.0.1", server.port(), options);
            // Futures complete on the connection's I/O thread: here the caller's only event loop. The loop is held
            // until the callback is attached, so the answer cannot complete the future first (the callback would
            // then run on this thread).
            CountDownLatch attached = new CountDownLatch(1);
            group.next().execute(() -> {
                try {
                    attached.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            CompletableFuture<Boolean> onLoop =
                    space.putAsync(List.of(Pair.of("a", "1"))).thenApply(answer -> group.next().inEventLoop());
            attached.countDown();
            assertThat(onLoop.get()).isTrue();
            space.close();

            assertThat(group.isShuttingDown()).isFalse();
            try (TupleSpaceClient again = TupleSpaceClient.connect("127.0.0.1", server.port(), options)) {
                assertThat(again.get("a", ".*").pairs()).containsExactly(Pair.of("a", "1"));
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** A group of the caller's that is shut down already: a plain refusal naming it, no stack trace from Netty. */
    @Test
    void connectingOnAGroupThatIsShutDownFailsSayingSo() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        try (FakeLineServer server = FakeLineServer.withSpace()) {
            assertThatThrownBy(() -> TupleSpaceClient.connect("127.0.0.1", server.port(),
                    OPTIONS.withEventLoopGroup(group)))
                    .isInstanceOf(ConnectFailedException.class)
                    .hasMessage("cannot connect to 127.0.0.1:" + server.port() + ": the event loop group of its"
                            + " ClientOptions is shut down (withEventLoopGroup: a group of yours, closed before this"
                            + " client was made)");
        }
    }

    @Test
    void requestsAfterTheCallersGroupIsShutDownFailAsConnectionLost() throws IOException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (FakeLineServer server = FakeLineServer.withSpace();
             TupleSpaceClient space = TupleSpaceClient.connect("127.0.0.1", server.port(), OPTIONS.withEventLoopGroup(group))) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            assertThatThrownBy(() -> space.get(".*", ".*")).isInstanceOf(ConnectionLostException.class);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyUnansweredRequestTimesOutWithItsOwnNameAfterAnAnsweredOne() throws Exception {
        // PUTs are answered, GETs never: the connection's one timer was armed for the PUT, which is answered,
        // and must still fail each GET after it, one by one.
        FakeLineServer.Responder putsOnly = FakeLineServer.withSpaceExcept(line -> null);
        FakeLineServer.Responder responder = line -> line.contains("\"GET\"") ? null : putsOnly.answer(line);
        try (FakeLineServer server = FakeLineServer.answering(responder);
             TupleSpaceClient space = TupleSpaceClient.connect("127.0.0.1", server.port(),
                     OPTIONS.withRequestTimeout(Duration.ofMillis(300)))) {
            assertThat(space.put(List.of(Pair.of("a", "1"))).pairs()).isEmpty();
            List<CompletableFuture<Answer>> gets = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                gets.add(space.getAsync("a", ".*"));
            }
            for (int i = 0; i < gets.size(); i++) {
                CompletableFuture<Answer> get = gets.get(i);
                assertThatThrownBy(get::get).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(RequestTimeoutException.class)
                        .hasMessageContaining("GET (id " + (i + 2) + ")").hasMessageContaining("300 ms");
            }
            assertThat(space.isOpen()).isTrue();
        }
    }

    @Test
    void requestsSentFromTheEventLoopGoOutInOrderAndAreAnswered() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (FakeLineServer server = FakeLineServer.withSpace();
             TupleSpaceClient space = TupleSpaceClient.connect("127.0.0.1", server.port(), OPTIONS.withEventLoopGroup(group))) {
            // From a plain task on the loop (no read in progress): written at once, flushed by a task.
            CompletableFuture<CompletableFuture<Answer>> fromTask = new CompletableFuture<>();
            group.next().execute(() -> fromTask.complete(space.putAsync(List.of(Pair.of("k,0", "v0")))));
            assertThat(fromTask.get().get().pairs()).isEmpty();

            // From answer callbacks (a read in progress): each answer sends the next PUT, then ten GETs at once.
            CompletableFuture<List<CompletableFuture<Answer>>> chained = new CompletableFuture<>();
            chain(space, 1, 50, chained);
            List<CompletableFuture<Answer>> gets = chained.get();
            for (int i = 0; i < gets.size(); i++) {
                assertThat(gets.get(i).get().pairs()).containsExactly(Pair.of("k," + i, "v" + i));
            }
            List<String> received = server.received();
            assertThat(received).hasSize(50 + 10);
            for (int i = 0; i < 50; i++) {
                assertThat(received.get(i)).contains("\"PUT\"").contains("\"v" + i + "\"");
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** PUTs k,n … k,(count-1) one after the other from each answer's callback, then pipelines ten GETs. */
    private static void chain(TupleSpaceClient space, int n, int count, CompletableFuture<List<CompletableFuture<Answer>>> done) {
        if (n == count) {
            List<CompletableFuture<Answer>> gets = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                gets.add(space.getAsync("k," + i, ".*"));
            }
            done.complete(gets);
            return;
        }
        space.putAsync(List.of(Pair.of("k," + n, "v" + n))).whenComplete((answer, failure) -> {
            if (failure != null) {
                done.completeExceptionally(failure);
            } else {
                chain(space, n + 1, count, done);
            }
        });
    }

    @Test
    void blockingCallsOnAClientIoThreadFailInsteadOfHanging() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (FakeLineServer server = FakeLineServer.withSpace()) {
            ClientOptions options = OPTIONS.withEventLoopGroup(group);
            TupleSpaceClient space = TupleSpaceClient.connect("127.0.0.1", server.port(), options);
            CompletableFuture<Throwable> blockingGet = new CompletableFuture<>();
            CompletableFuture<Throwable> blockingConnect = new CompletableFuture<>();
            group.next().execute(() -> {
                blockingGet.complete(thrownBy(() -> space.get(".*", ".*")));
                blockingConnect.complete(thrownBy(() -> TupleSpaceClient.connect("127.0.0.1", server.port(), options)));
            });
            assertThat(blockingGet.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("async form");
            assertThat(blockingConnect.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("I/O thread");
            assertThat(space.put(List.of(Pair.of("a", "1"))).pairs()).isEmpty();
            space.close();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBlockingCallOnAnyLoopOfTheGroupFailsNotOnlyOnTheConnectionsOwn() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try (FakeLineServer server = FakeLineServer.withSpace()) {
            ClientOptions options = OPTIONS.withEventLoopGroup(group);
            TupleSpaceClient space = TupleSpaceClient.connect("127.0.0.1", server.port(), options);
            List<CompletableFuture<Throwable>> blockingGets = new ArrayList<>();
            for (io.netty.util.concurrent.EventExecutor loop : group) {
                CompletableFuture<Throwable> blockingGet = new CompletableFuture<>();
                loop.execute(() -> blockingGet.complete(thrownBy(() -> space.get(".*", ".*"))));
                blockingGets.add(blockingGet);
            }
            assertThat(blockingGets).hasSize(2);
            for (CompletableFuture<Throwable> blockingGet : blockingGets) {
                // one of the two loops is not this connection's: blocking there would stall its other connections
                assertThat(blockingGet.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("async form");
            }
            assertThat(space.put(List.of(Pair.of("a", "1"))).pairs()).isEmpty();
            space.close();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static Throwable thrownBy(Runnable call) {
        try {
            call.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    @Test
    void aJsonRefusalFailsEveryPipelinedRequestAsRefused() throws Exception {
        FakeLineServer.Responder refusing = line -> Answers.refused("service refused: this proxy already serves 2 clients");
        try (FakeLineServer server = FakeLineServer.answering(refusing);
             TupleSpaceClient space = TupleSpaceClient.connect("127.0.0.1", server.port(), OPTIONS)) {
            List<CompletableFuture<Answer>> answers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                answers.add(space.getAsync(".*", ".*"));
            }
            for (CompletableFuture<Answer> answer : answers) {
                assertThatThrownBy(answer::get).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(RefusedException.class).hasMessageContaining("already serves 2 clients");
            }
            assertThatThrownBy(() -> space.put(List.of(Pair.of("a", "1")))).isInstanceOf(RefusedException.class);
        }
    }

    @Test
    void aTextModeRefusalIsARefusalToo() throws IOException {
        FakeLineServer.Responder refusing = line -> Answers.error(line, Status.REFUSED, "too many clients");
        try (FakeLineServer server = FakeLineServer.answering(refusing);
             TupleSpaceClient space = TupleSpaceClient.connect("127.0.0.1", server.port(), OPTIONS)) {
            assertThatThrownBy(() -> space.sendLine("GET a .*"))
                    .isInstanceOf(RefusedException.class).hasMessageContaining("too many clients");
            assertThat(space.isOpen()).isFalse();
        }
    }
}
