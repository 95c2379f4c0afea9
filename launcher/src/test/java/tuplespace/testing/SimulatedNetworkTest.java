package tuplespace.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.testing.Eventually.eventually;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tuplespace.codec.netty.Transport;

/** What {@link SimulatedNetwork} promises the failover tests: the faults behave as on real machines. */
class SimulatedNetworkTest {

    private static final String A = "10.88.0.1";
    private static final String B = "10.88.0.2";
    private static final InetSocketAddress SERVICE = new InetSocketAddress(B, 9000);
    private static final Duration QUIET = Duration.ofMillis(200);

    private final SimulatedNetwork network = new SimulatedNetwork();
    private final EventLoopGroup loopsOfA = network.host(A).newLoopGroup(1, "a");
    private final EventLoopGroup loopsOfB = network.host(B).newLoopGroup(1, "b");
    private final BlockingQueue<String> receivedByB = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> receivedByA = new LinkedBlockingQueue<>();

    @AfterEach
    void close() {
        network.close();
    }

    @Test
    void aCutLinkDropsMessagesSilentlyBothWaysAndCarriesThemAgainOnceHealed() throws Exception {
        Channel client = linkFromAToB("one");

        network.cut(A, B);
        client.writeAndFlush("lost");
        assertThat(receivedByB.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS)).as("a message across the cut").isNull();
        assertThat(client.isActive()).as("a cut closes nothing").isTrue();
        Channel accepted = acceptedOnB.poll(5, TimeUnit.SECONDS);
        accepted.writeAndFlush("lost too");
        assertThat(receivedByA.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS)).as("the answer across the cut").isNull();

        network.heal(A, B);
        client.writeAndFlush("two");
        assertThat(receivedByB.poll(5, TimeUnit.SECONDS)).isEqualTo("two");
        accepted.writeAndFlush("back");
        assertThat(receivedByA.poll(5, TimeUnit.SECONDS)).isEqualTo("back");
    }

    @Test
    void aCloseHiddenByACutShowsAsAResetWhenTheOtherSideSendsAfterTheHeal() throws Exception {
        Channel client = linkFromAToB("hello");
        Channel accepted = acceptedOnB.poll(5, TimeUnit.SECONDS);

        network.cut(A, B);
        accepted.close().sync();
        Thread.sleep(QUIET.toMillis());
        assertThat(client.isActive()).as("the close crossed the cut").isTrue();

        network.heal(A, B);
        client.writeAndFlush("anyone there?");
        eventually(Duration.ofSeconds(5), () -> assertThat(client.isActive()).as("reset on the first message").isFalse());
    }

    @Test
    void aConnectionAcrossACutTimesOutAndOneToNoListenerIsRefusedAtOnce() throws Exception {
        ChannelFuture refused = connectFromA(Duration.ofSeconds(5)).await();
        assertThat(refused.cause()).isInstanceOf(ConnectException.class);

        listenOnB();
        network.cut(A, B);
        long started = System.nanoTime();
        ChannelFuture timedOut = connectFromA(Duration.ofMillis(300)).await();
        assertThat(timedOut.cause()).isInstanceOf(ConnectTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aHostBindsOnlyItsOwnAddress() {
        ChannelFuture bound = network.host(A).bind(new ServerBootstrap().group(loopsOfA)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                    }
                }), SERVICE).awaitUninterruptibly();
        assertThat(bound.cause()).isInstanceOf(BindException.class).hasMessageContaining(B);
    }

    @Test
    void aHungHostRunsNothingUntilResumedAndACrashedOneClosesItsLinks() throws Exception {
        Channel client = linkFromAToB("ping");

        network.hang(B);
        CountDownLatch ran = new CountDownLatch(1);
        loopsOfB.next().execute(ran::countDown);
        client.writeAndFlush("queued");
        assertThat(ran.await(QUIET.toMillis(), TimeUnit.MILLISECONDS)).as("a task on the hung host ran").isFalse();
        assertThat(receivedByB).as("read by the hung host").isEmpty();
        network.resume(B);
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(receivedByB.poll(5, TimeUnit.SECONDS)).isEqualTo("queued");

        network.crash(B);
        eventually(Duration.ofSeconds(5), () -> assertThat(client.isActive()).as("the crashed peer's link").isFalse());
    }

    private final BlockingQueue<Channel> acceptedOnB = new LinkedBlockingQueue<>();

    /** A listener on B, a connection from A to it, and {@code first} sent across and received. */
    private Channel linkFromAToB(String first) throws InterruptedException {
        listenOnB();
        Channel client = connectFromA(Duration.ofSeconds(1)).sync().channel();
        client.writeAndFlush(first);
        assertThat(receivedByB.poll(5, TimeUnit.SECONDS)).isEqualTo(first);
        return client;
    }

    private Channel listenOnB() throws InterruptedException {
        return network.host(B).bind(new ServerBootstrap().group(loopsOfB).childHandler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                acceptedOnB.add(channel);
                channel.pipeline().addLast(new StringDecoder(StandardCharsets.UTF_8),
                        new StringEncoder(StandardCharsets.UTF_8), collectInto(receivedByB));
            }
        }), SERVICE).sync().channel();
    }

    private ChannelFuture connectFromA(Duration timeout) {
        Transport hostA = network.host(A);
        return hostA.connect(new Bootstrap().group(loopsOfA).handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(new StringDecoder(StandardCharsets.UTF_8),
                        new StringEncoder(StandardCharsets.UTF_8), collectInto(receivedByA));
            }
        }), SERVICE, timeout);
    }

    private static SimpleChannelInboundHandler<String> collectInto(BlockingQueue<String> received) {
        return new SimpleChannelInboundHandler<>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, String message) {
                received.add(message);
            }
        };
    }
}
