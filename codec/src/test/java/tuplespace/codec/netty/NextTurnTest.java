package tuplespace.codec.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** On a real loop with a real socket: a task given to {@link NextTurn} runs only after the reads the loop had waiting. */
@Timeout(20)
class NextTurnTest {

    @Test
    void aTaskForTheNextTurnRunsAfterTheReadsThatCameDuringThisOne() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        List<String> order = new CopyOnWriteArrayList<>();
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        CompletableFuture<Void> nextTurnRan = new CompletableFuture<>();
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext context) {
                            accepted.complete(context.channel());
                        }

                        @Override
                        public void channelRead(ChannelHandlerContext context, Object message) {
                            ((ByteBuf) message).release();
                            order.add("read");
                        }
                    })
                    .bind("127.0.0.1", 0).sync().channel();
            try (Socket client = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
                EventLoop loop = accepted.get(10, TimeUnit.SECONDS).eventLoop();
                CountDownLatch inTask = new CountDownLatch(1);
                CountDownLatch sent = new CountDownLatch(1);
                loop.execute(() -> {
                    inTask.countDown();
                    awaitQuietly(sent);
                    sleepQuietly(100); // the byte reaches the loop's socket while this task holds the loop
                    NextTurn.of(loop).execute(() -> {
                        order.add("next turn");
                        nextTurnRan.complete(null);
                    });
                    loop.execute(() -> order.add("same batch"));
                });
                assertThat(inTask.await(10, TimeUnit.SECONDS)).isTrue();
                client.getOutputStream().write('x');
                client.getOutputStream().flush();
                sent.countDown();
                nextTurnRan.get(10, TimeUnit.SECONDS);
            }
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        // executed at once, it would have run before the read, with the rest of the batch
        assertThat(order).containsExactly("same batch", "read", "next turn");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
