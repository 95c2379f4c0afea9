package tuplespace.node;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.frame.FrameCodec;

/**
 * The proxy's primary port, in this JVM, for tests of the primary's proxy link: it accepts links, hands every
 * frame (but PING and PONG, which it answers or drops) to the test, and lets the test send frames and close links.
 */
final class FakeProxy implements AutoCloseable {

    /** A frame and the link it came on. */
    record Received(Channel link, Frame frame) {
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final Channel listener;

    FakeProxy() throws InterruptedException {
        this(0);
    }

    /** A proxy listening on {@code port} of 127.0.0.1 (0: any free port), e.g. one started again where it was. */
    FakeProxy(int port) throws InterruptedException {
        listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(io.netty.channel.ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        FrameCodec.install(channel.pipeline());
                        channel.pipeline().addLast(new SimpleChannelInboundHandler<Frame>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext context, Frame frame) {
                                if (frame instanceof Frame.Ping ping) {
                                    context.writeAndFlush(new Frame.Pong(ping.nanos()));
                                } else if (frame instanceof Frame.Answer answer) {
                                    // kept as a copy: the decoded text is a slice of the read buffer
                                    received.add(new Received(context.channel(), new Frame.Answer(answer.conn(),
                                            answer.seq(), answer.answerText())));
                                    answer.answer().release();
                                } else if (!(frame instanceof Frame.Pong)) {
                                    received.add(new Received(context.channel(), frame));
                                }
                            }
                        });
                    }
                }).bind("127.0.0.1", port).sync().channel();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** The next frame of type {@code type} from the primary; fails the test after 20 s. */
    <F extends Frame> Received next(Class<F> type) throws InterruptedException {
        Received next = received.poll(20, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("expected a " + type.getSimpleName() + " from the primary within 20 s, found none");
        }
        if (!type.isInstance(next.frame())) {
            throw new AssertionError("expected a " + type.getSimpleName() + " from the primary, found " + next.frame());
        }
        return next;
    }

    /** Whether the primary sent nothing (but PINGs) within {@code wait}. */
    boolean nothingWithin(java.time.Duration wait) throws InterruptedException {
        return received.poll(wait.toMillis(), TimeUnit.MILLISECONDS) == null;
    }

    void send(Channel link, Frame frame) {
        link.writeAndFlush(frame).syncUninterruptibly();
    }

    /** Sends {@code frames} in one write to the socket: the primary reads them together. */
    void sendTogether(Channel link, Frame... frames) {
        for (Frame frame : frames) {
            link.write(frame);
        }
        link.flush();
    }

    /** Stops listening: connecting to the address is refused from now on. */
    void stopListening() {
        listener.close().syncUninterruptibly();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }
}
