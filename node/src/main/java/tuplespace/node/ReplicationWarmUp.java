package tuplespace.node;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.replication.Change;
import tuplespace.replication.IncomingSnapshot;
import tuplespace.replication.Replicated;
import tuplespace.replication.ReplicationFrames;
import tuplespace.replication.ReplicationMessage;
import tuplespace.replication.SnapshotStream;
import tuplespace.space.Effect;
import tuplespace.space.SpaceLoader;
import tuplespace.space.TupleSpace;
import tuplespace.tuple.Pair;

/**
 * Runs a backup's receiving path — replication frames decoded, a snapshot's pairs loaded, entries deferred and applied
 * — on scratch objects while a standby waits to be released ({@link Standby}), so that the resync it is released for
 * does not pay class loading, the pooled allocator's first use and interpreted code while its primary runs on one
 * copy (measured: the first 130,000 pairs of a resync took 0.4 s in a warmed standby, 0.9-1.4 s in a cold one). It
 * touches no node state. It waits until the standby has been idle for {@link #IDLE_FIRST}: a standby starts while its
 * parent resyncs a backup (the one it replaces), and taking the CPU then would make that resync slower; and it stops
 * at the next frame once {@code released} says so: then the resync needs the CPU.
 */
final class ReplicationWarmUp {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationWarmUp.class);
    /** Enough pairs, over enough frames, that the per-pair methods are compiled (C2), not only interpreted. */
    static final int PAIRS = 10_000;
    static final int ROUNDS = 4;
    static final java.time.Duration IDLE_FIRST = java.time.Duration.ofSeconds(2);

    private ReplicationWarmUp() {
    }

    /** Runs it on a daemon thread of its own; a failure only makes the resync slower, so it is logged. */
    static void start(BooleanSupplier released) {
        Thread warmUp = new Thread(() -> {
            try {
                Thread.sleep(IDLE_FIRST.toMillis());
                run(released);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("the warm-up of the replication path failed (the resync will only be slower): {}", e.toString());
            }
        }, "replication-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    /**
     * The warm-up on the calling thread; returns how many rounds it completed. Throws if the scratch copy does not
     * come out as the scratch space it was sent from.
     */
    static int run(BooleanSupplier released) {
        if (released.getAsBoolean()) {
            return 0;
        }
        long started = System.nanoTime();
        TupleSpace source = scratchSpace();
        EmbeddedChannel link = new EmbeddedChannel();
        ReplicationFrames.addTo(link.pipeline());
        int rounds = 0;
        boolean stopped = false;
        try {
            while (rounds < ROUNDS && !stopped) {
                stopped = released.getAsBoolean() || !copyOnce(source, link, released);
                rounds += stopped ? 0 : 1;
            }
        } finally {
            link.finishAndReleaseAll();
        }
        LOG.info("replication path warmed up in {} ms ({} rounds{})", (System.nanoTime() - started) / 1_000_000,
                rounds, stopped ? ", stopped: released" : "");
        return rounds;
    }

    /** One scratch resync through the link's codec; false when released before the end. */
    private static boolean copyOnce(TupleSpace source, EmbeddedChannel link, BooleanSupplier released) {
        IncomingSnapshot incoming = new IncomingSnapshot();
        SnapshotStream stream = new SnapshotStream(source.snapshot());
        Effect effect = new Effect(List.of(), List.of(Pair.of("warm,last", "x")));
        ReplicationMessage.Entries entries = new ReplicationMessage.Entries(
                List.of(new Replicated(1, 1, new Change.Applied(1, 1, 0, effect, "ok\n"))), 0);
        receive(link, entries, incoming);
        while (stream.hasMore()) {
            if (released.getAsBoolean()) {
                return false;
            }
            link.writeInbound(stream.nextFrame(ByteBufAllocator.DEFAULT));
            for (Object message = link.readInbound(); message != null; message = link.readInbound()) {
                incoming.pairs((ReplicationMessage.SnapshotPairs) message);
            }
        }
        TupleSpace copy = incoming.finish().space();
        if (copy.size() != source.size() + 1) {
            throw new IllegalStateException("expected the scratch copy to hold " + (source.size() + 1)
                    + " pairs, found " + copy.size());
        }
        receive(link, new ReplicationMessage.SnapshotEnd(1, copy.digest()), incoming);
        return true;
    }

    /** Encodes {@code message} as the primary would, decodes it as the backup does; defers an entry's change. */
    private static void receive(EmbeddedChannel link, ReplicationMessage message, IncomingSnapshot incoming) {
        link.writeOutbound(message);
        for (ByteBuf bytes = link.readOutbound(); bytes != null; bytes = link.readOutbound()) {
            link.writeInbound(bytes);
        }
        Object decoded = link.readInbound();
        if (decoded instanceof ReplicationMessage.Entries received) {
            received.entries().forEach(entry -> incoming.defer(entry.change()));
        } else if (!message.equals(decoded)) {
            throw new IllegalStateException("expected the replication codec to give back " + message + ", found "
                    + decoded);
        }
    }

    /** Loaded as stored, like a resync's (a cold JVM would take long to parse and insert the pairs one by one). */
    private static TupleSpace scratchSpace() {
        SpaceLoader loader = new SpaceLoader();
        for (int i = 0; i < PAIRS; i++) {
            loader.add(utf8("warm," + (PAIRS + i)), utf8("value" + i)); // same length: ascending
        }
        return loader.finish();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
