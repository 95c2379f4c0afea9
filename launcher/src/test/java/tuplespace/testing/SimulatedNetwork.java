package tuplespace.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import tuplespace.codec.netty.Transport;

/**
 * A network of simulated hosts inside one JVM, for running a whole service (proxy, primary, backup, clients) in
 * memory: each host is a {@link Transport} ({@link #host}), and what a test does to hosts and links is what happens
 * to machines and cables:
 *
 * <ul>
 *   <li>{@link #cut} a link between two hosts: it goes silent both ways, as in a real partition. Messages vanish, a
 *       peer's close is not seen (it is, as a reset, by the first message sent after the {@link #heal}), and a new
 *       connection across the cut times out. Links to other hosts keep working.</li>
 *   <li>{@link #hang} a host, like SIGSTOP: its event loops stop running (its peers' messages queue up unread, it
 *       sends nothing, its timers do not fire) until {@link #resume}.</li>
 *   <li>{@link #crash} a host, like {@code kill -9}: its loops stop and its links close; its peers see them closed
 *       (unless a cut hides that too).</li>
 * </ul>
 *
 * <p>How: every host's listeners and links are Netty local channels (in-JVM, no sockets). A connection from host A to
 * {@code b:port} is two of them joined by a <em>wire</em> on the network's own loop, which relays each message and
 * decides, per message and per close, whether the cut between A and B lets it through. Addresses are the services'
 * own {@code ip:port} SAPs; a host may bind only its own address. Use IP literals as host names (no lookups).
 */
public final class SimulatedNetwork implements AutoCloseable {

    private static final AtomicLong NETWORKS = new AtomicLong();

    private final String id = "sim" + NETWORKS.incrementAndGet();
    private final EventLoopGroup wires = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(id + "-wires"),
            LocalIoHandler.newFactory());
    private final LocalAddress switchboard = new LocalAddress(id + "/switchboard");
    private final Channel switchboardChannel;
    private final AtomicLong connections = new AtomicLong();
    /** Listening addresses ({@code ip:port}) bound now. */
    private final Set<String> listening = ConcurrentHashMap.newKeySet();
    /** Cut links, each as its two host names in order. */
    private final Set<List<String>> cuts = ConcurrentHashMap.newKeySet();
    private final Map<String, SimulatedHost> hosts = new ConcurrentHashMap<>();
    /** Hosts crashed and not started again: what their loops still had queued never reaches the wire. */
    private final Set<String> crashed = ConcurrentHashMap.newKeySet();

    public SimulatedNetwork() {
        switchboardChannel = new ServerBootstrap().group(wires).channel(LocalServerChannel.class)
                .childHandler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel caller) {
                        caller.config().setAutoRead(false); // until the callee's end is connected
                        caller.pipeline().addLast(new Plug());
                    }
                })
                .bind(switchboard).syncUninterruptibly().channel();
    }

    /** The host with address {@code ip} (made on first use): the transport of every process that runs on it. */
    public Transport host(String ip) {
        return hosts.computeIfAbsent(ip, SimulatedHost::new);
    }

    /** Cuts the link between hosts {@code a} and {@code b} silently, both ways. */
    public void cut(String a, String b) {
        cuts.add(link(a, b));
    }

    public void heal(String a, String b) {
        cuts.remove(link(a, b));
    }

    /** Cuts every link of {@code host} to the hosts the network knows. */
    public void isolate(String host) {
        hosts.keySet().stream().filter(other -> !other.equals(host)).forEach(other -> cut(host, other));
    }

    public void healAll() {
        cuts.clear();
    }

    boolean isCut(String a, String b) {
        return cuts.contains(link(a, b));
    }

    /** Stops every event loop of {@code host} (SIGSTOP) until {@link #resume}. */
    public void hang(String host) {
        hostNamed(host).hang();
    }

    public void resume(String host) {
        hostNamed(host).resume();
    }

    /** Ends every event loop of {@code host} at once and closes its links (kill -9). */
    public void crash(String host) {
        hostNamed(host).crash();
    }

    private SimulatedHost hostNamed(String host) {
        SimulatedHost found = hosts.get(host);
        if (found == null) {
            throw new IllegalArgumentException("no simulated host " + host + "; hosts: " + hosts.keySet());
        }
        return found;
    }

    private static List<String> link(String a, String b) {
        return a.compareTo(b) <= 0 ? List.of(a, b) : List.of(b, a);
    }

    private LocalAddress listenerAddress(String ipPort) {
        return new LocalAddress(id + "/" + ipPort);
    }

    private static String ipPort(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }

    /**
     * Crashes every host, one after the other, each once the last one's loops have ended (so no close is passed on to
     * a loop that has ended already), then stops the wires.
     */
    @Override
    public void close() {
        hosts.values().forEach(SimulatedHost::crashAndAwait);
        switchboardChannel.close().syncUninterruptibly();
        wires.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One machine: the loops its processes made, the listeners it bound. */
    private final class SimulatedHost implements Transport {
        private final String ip;
        private final List<EventLoopGroup> groups = new CopyOnWriteArrayList<>();
        /** Every open channel of the host's processes (a channel leaves the group as it closes). */
        private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        private volatile CountDownLatch hung;

        SimulatedHost(String ip) {
            this.ip = ip;
        }

        @Override
        public String name() {
            return "simulated";
        }

        @Override
        public EventLoopGroup newLoopGroup(int threads, String threadName) {
            crashed.remove(ip); // a process started on a crashed host: it is up again
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads,
                    new DefaultThreadFactory(threadName + "@" + ip), LocalIoHandler.newFactory());
            groups.add(group);
            return group;
        }

        @Override
        public ChannelFuture bind(ServerBootstrap bootstrap, InetSocketAddress address) {
            bootstrap.channel(LocalServerChannel.class);
            if (!address.getHostString().equals(ip)) {
                Channel channel = bootstrap.register().channel();
                return channel.newFailedFuture(new BindException("host " + ip + " cannot bind " + ipPort(address)
                        + ": not its address"));
            }
            String key = ipPort(address);
            bootstrap.childHandler(tracked(bootstrap.config().childHandler()));
            ChannelFuture binding = bootstrap.bind(listenerAddress(key));
            channels.add(binding.channel());
            ChannelPromise bound = binding.channel().newPromise();
            binding.addListener(done -> { // connections find the listener before the caller hears it is bound
                if (done.isSuccess()) {
                    listening.add(key);
                    binding.channel().closeFuture().addListener(closed -> listening.remove(key));
                    bound.setSuccess();
                } else {
                    bound.setFailure(done.cause());
                }
            });
            return bound;
        }

        @Override
        public ChannelFuture connect(Bootstrap bootstrap, InetSocketAddress address, Duration timeout) {
            bootstrap.channel(LocalChannel.class);
            String target = ipPort(address);
            String targetHost = address.getHostString();
            if (isCut(ip, targetHost) || !listening.contains(target)) {
                ChannelFuture registered = bootstrap.register();
                Channel channel = registered.channel();
                ChannelPromise failed = channel.newPromise();
                failed.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
                if (isCut(ip, targetHost)) {
                    channel.eventLoop().schedule(() -> failed.tryFailure(new ConnectTimeoutException(
                            "connection timed out after " + timeout.toMillis() + " ms: " + target)),
                            timeout.toMillis(), TimeUnit.MILLISECONDS);
                } else {
                    channel.eventLoop().execute(() -> failed.tryFailure(new ConnectException("Connection refused: "
                            + target)));
                }
                return failed;
            }
            // the caller's end is bound to a name that tells the switchboard who calls whom
            LocalAddress caller = new LocalAddress(id + "/call/" + connections.incrementAndGet() + "/" + ip + "/"
                    + target);
            bootstrap.handler(tracked(bootstrap.config().handler()));
            return bootstrap.connect(switchboard, caller);
        }

        /** {@code handler}, on a channel the host keeps track of (to close it when the host crashes). */
        private ChannelHandler tracked(ChannelHandler handler) {
            return new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel channel) {
                    channels.add(channel);
                    channel.pipeline().addLast(handler);
                }
            };
        }

        void hang() {
            if (hung != null) {
                return;
            }
            CountDownLatch latch = new CountDownLatch(1);
            hung = latch;
            List<io.netty.util.concurrent.EventExecutor> loops = new ArrayList<>();
            groups.forEach(group -> group.forEach(loops::add));
            // Returns once every loop is stopped, so that nothing sent after hang() is read by the host (a loop could
            // otherwise still be serving I/O before it reaches the stopping task). Not from one of its own loops.
            CountDownLatch stopped = new CountDownLatch(loops.stream().anyMatch(
                    io.netty.util.concurrent.EventExecutor::inEventLoop) ? 0 : loops.size());
            for (io.netty.util.concurrent.EventExecutor loop : loops) {
                loop.execute(() -> {
                    stopped.countDown();
                    try {
                        latch.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            try {
                stopped.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void resume() {
            CountDownLatch latch = hung;
            hung = null;
            if (latch != null) {
                latch.countDown();
            }
        }

        List<EventLoopGroup> crash() {
            crashed.add(ip);
            resume(); // a hung loop could not run its own shutdown (what it then sends is dropped: it is dead)
            List<EventLoopGroup> ended = List.copyOf(groups);
            groups.clear();
            // a loop that ends closes its channels, but not every time; the kernel of a killed process always does
            channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            for (EventLoopGroup group : ended) {
                group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            }
            return ended;
        }

        void crashAndAwait() {
            for (EventLoopGroup group : crash()) {
                group.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * On a caller's end at the switchboard: reads who calls whom from the caller's name, connects onwards to the
     * callee's listener and joins the two ends with a {@link Wire}. Until then the caller's messages wait unread.
     */
    private final class Plug extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            String[] parts = ((LocalAddress) ctx.channel().remoteAddress()).id().split("/");
            String callerHost = parts[3];
            String target = parts[4];
            String calleeHost = target.substring(0, target.lastIndexOf(':'));
            Channel callerEnd = ctx.channel();
            ctx.pipeline().remove(this);
            new Bootstrap().group(callerEnd.eventLoop()).channel(LocalChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(listenerAddress(target)).addListener((ChannelFuture connected) -> {
                        if (!connected.isSuccess()) {
                            callerEnd.close(); // the listener went away meanwhile: refused
                            return;
                        }
                        Wire wire = new Wire(callerHost, calleeHost);
                        Channel calleeEnd = connected.channel();
                        calleeEnd.pipeline().addLast(wire.end(calleeHost, calleeEnd, callerEnd));
                        callerEnd.pipeline().addLast(wire.end(callerHost, callerEnd, calleeEnd));
                        callerEnd.config().setAutoRead(true);
                    });
        }
    }

    /**
     * The cable between two hosts for one connection. Each end relays what it reads to the other, unless the link is
     * cut: then the message is dropped. A close is passed on only while the link is up; a close hidden by a cut shows
     * later, when the other side sends across the healed link (a reset).
     */
    private final class Wire {
        private final String a;
        private final String b;

        Wire(String a, String b) {
            this.a = a;
            this.b = b;
        }

        /** The end that reads what {@code from}'s process sends on {@code self} and passes it on to {@code other}. */
        ChannelInboundHandlerAdapter end(String from, Channel self, Channel other) {
            return new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object message) {
                    if (isCut(a, b) || crashed.contains(from)) {
                        ReferenceCountUtil.release(message);
                    } else if (!other.isActive()) {
                        ReferenceCountUtil.release(message);
                        self.close(); // the peer closed behind a cut: the reset arrives now
                    } else {
                        other.writeAndFlush(message, other.voidPromise());
                    }
                }

                @Override
                public void channelInactive(ChannelHandlerContext ctx) {
                    if (!isCut(a, b)) {
                        other.close();
                    }
                }
            };
        }
    }
}
