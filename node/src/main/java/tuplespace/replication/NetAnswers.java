package tuplespace.replication;

import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.collection.LongObjectMap;
import tuplespace.codec.Utf8Text;

/**
 * The net change of a run of {@link Change}s to an {@link AnswerTable}, connection by connection: the answers they
 * leave recorded, and for each connection they touched, the highest floor delivered on it or that it closed. Laid over
 * a table ({@link #applyTo}), it leaves what applying the changes one by one would, whatever the table held before:
 * what the changes released or closed goes from it first, then what they left recorded is recorded (replacing an
 * answer to the same request). {@link tuplespace.space.NetEffect} does the same for the space.
 *
 * <p>A restart sums up its log's changes this way on the thread that reads the log, while its snapshot loads. It
 * used to keep one change per logged update and replay them all after the snapshot's answers: a log of 100,000
 * updates kept as many objects alive through the recovery's collections and replayed them one by one on the way to
 * serving (a restart on 1,000,000 pairs and such a log: 784 against 895 ms to the first answer,
 * docs/performance-history.md). The table this holds stays small: each update's floor releases the answers delivered
 * before it.
 *
 * <p>Single-threaded: one thread applies changes to it; another may read it once handed over through a happens-before
 * edge (a completed future).
 */
public final class NetAnswers {

    /** What the changes dropped on one connection: answers up to {@code floor}, or all of them when it closed. */
    private static final class Dropped {
        long floor;
        boolean closed;
    }

    /** What applying the changes to an empty table leaves. */
    private final AnswerTable recorded = new AnswerTable();
    private final LongObjectHashMap<Dropped> dropped = new LongObjectHashMap<>();

    /** Lays {@code change} over the changes applied before it; its effect on the space is not this class's. */
    public void apply(Change change) {
        if (change instanceof Change.Applied applied) {
            applied(applied.conn(), applied.seq(), applied.floor(), applied.answer());
        } else if (change instanceof Change.Closed closed) {
            closed(closed.conn());
        }
    }

    /** Lays a {@link Change.Applied} of these fields over the changes before it, its effect aside. */
    public void applied(long conn, long seq, long floor, Utf8Text answer) {
        recorded.release(conn, floor);
        recorded.record(conn, seq, answer);
        Dropped on = dropped(conn);
        on.floor = Math.max(on.floor, floor);
    }

    /** Lays a {@link Change.Closed} of {@code conn} over the changes before it. */
    public void closed(long conn) {
        recorded.close(conn);
        dropped(conn).closed = true;
    }

    /** Changes {@code table} as applying every change, in order, would have. */
    public void applyTo(AnswerTable table) {
        for (LongObjectMap.PrimitiveEntry<Dropped> connection : dropped.entries()) {
            if (connection.value().closed) {
                table.close(connection.key());
            } else {
                table.release(connection.key(), connection.value().floor);
            }
        }
        for (AnswerTable.Entry answer : recorded.entries()) {
            table.record(answer.conn(), answer.seq(), answer.answer());
        }
    }

    private Dropped dropped(long conn) {
        Dropped on = dropped.get(conn);
        if (on == null) {
            on = new Dropped();
            dropped.put(conn, on);
        }
        return on;
    }
}
