package tuplespace.codec.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import tuplespace.codec.Lines;
import tuplespace.codec.Sap;

/**
 * The proxy⇄primary frames of docs/internals.md, one record per frame type.
 *
 * <p>On the wire each frame is a 4-byte big-endian length, a 1-byte {@link FrameType} code and the payload;
 * strings are UTF-8 with a 4-byte length, numbers 8-byte longs. {@link FrameCodec} does the bytes; the records
 * validate their fields so that a frame that decodes is a frame the protocol allows.
 */
public sealed interface Frame {

    FrameType type();

    /**
     * primary → proxy: "I am the primary of this epoch". {@code server} is the registering process's server id (a
     * random number it drew at start: pids collide across hosts), so (epoch, server) names a primary. {@code replica}
     * is the server id of the backup that holds every update this primary answered (0: none, it serves on one copy):
     * the proxy promotes only that backup when it loses this primary. The proxy accepts an epoch higher than any
     * seen, or the epoch it granted to this server, or the same (epoch, server) again. With a data directory,
     * {@code history} is its history (0: none) and {@code directories} the names (node id and instance, such as
     * {@code b.91b0c3e57d2a6f04}) of the node directories whose state this start compared before it took the newest,
     * its own first (a restart's survey of one DIR; else its own
     * alone): after it loses a primary that served on one copy, the proxy takes only a server that compared that
     * primary's directory. Both are left out by older senders. {@code unjudged}: a server that waits for its backup
     * on another machine to judge its state asks to serve without that judgement; the proxy takes it only while it
     * waits for one of these directories (it lost a primary that served on one copy from it, so no copy elsewhere
     * is newer), and answers STALE_EPOCH otherwise, which such a server takes as "wait for the judgement" and not as
     * a reason to stop. Left out (false) by older senders.
     */
    record Register(long epoch, long pid, long server, Sap shutdownSap, long lastIndex, long replica, long history,
                    List<String> directories, boolean unjudged) implements Frame {
        /** A node directory's name: its id, as {@code --node-id} takes it, a dot and its instance. */
        private static final Pattern DIRECTORY_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}");

        public Register {
            requireAtLeast("REGISTER epoch", epoch, 0);
            requireAtLeast("REGISTER pid", pid, 1);
            requireAtLeast("REGISTER server", server, 1);
            Objects.requireNonNull(shutdownSap, "REGISTER shutdownSap: expected a host:port, found null");
            requireAtLeast("REGISTER lastIndex", lastIndex, 0);
            requireAtLeast("REGISTER replica", replica, 0);
            directories = List.copyOf(directories);
            for (String id : directories) {
                requireDirectoryName("REGISTER directories", id);
            }
        }

        /** {@code name} is a node directory's name ({@link #DIRECTORY_ID}); {@code field} says where it came from. */
        static void requireDirectoryName(String field, String name) {
            if (!DIRECTORY_ID.matcher(name).matches()) {
                throw new IllegalArgumentException(field + ": expected node directory names of letters, digits, '_',"
                        + " '-' and '.', found '" + name + "'");
            }
        }

        /** A server without a data directory. */
        public Register(long epoch, long pid, long server, Sap shutdownSap, long lastIndex, long replica) {
            this(epoch, pid, server, shutdownSap, lastIndex, replica, 0, List.of());
        }

        /** A server that asks to be taken as any other, not only where the proxy waits for its directory. */
        public Register(long epoch, long pid, long server, Sap shutdownSap, long lastIndex, long replica, long history,
                        List<String> directories) {
            this(epoch, pid, server, shutdownSap, lastIndex, replica, history, directories, false);
        }

        /**
         * One of {@link #directories} as an operator finds it: {@code node directory node-b (instance=91b0c3e57d2a6f04
         * in its node.meta)}. The id may hold dots; the instance, the last part, never does.
         */
        public static String describeDirectory(String name) {
            int dot = name.lastIndexOf('.');
            return dot < 0 ? "node directory node-" + name : "node directory node-" + name.substring(0, dot)
                    + " (instance=" + name.substring(dot + 1) + " in its node.meta)";
        }

        @Override
        public FrameType type() {
            return FrameType.REGISTER;
        }
    }

    /**
     * primary → proxy: from here on, every answer this primary sends is also held by the backup with server id
     * {@code replica} (0: by no backup; sent before the first answer that the backup may lack). In order with the
     * answers, so the proxy's view of which backup may take over is exact.
     */
    record Replica(long replica) implements Frame {
        public Replica {
            requireAtLeast("REPLICA replica", replica, 0);
        }

        @Override
        public FrameType type() {
            return FrameType.REPLICA;
        }
    }

    /**
     * backup → proxy, on a link of its own: "I follow the primary of {@code epoch}; promote me when you lose it".
     * The proxy keeps the link (PING/PONG as on a primary's) and sends {@link Promote} on it when it may.
     * {@code primaryServer} is the server id of the primary followed (0: not said, a backup from before it was): an
     * epoch number names one primary only while the proxy remembers it, and a restarted proxy learns from it which
     * primary of that epoch holds what the backup holds. {@code lastIndex} is the last entry the backup's copy held
     * when it said FOLLOW (0: not said, an older sender): of several backups that follow one primary of the newest
     * epoch, as after a total loss when both machines' last command lines were backups' ones, the operator's PROMOTE
     * takes the one whose copy goes furthest along that one history. With a data directory, {@code directory} is the
     * name of the backup's node directory (node id and instance, as {@link Register#directories} names them),
     * {@code history} that directory's history, and {@code forced} says that its answers wait for the log to be forced
     * ({@code --fsync always}); empty, 0 and false without one, or from an older sender. A backup started on the node
     * directory of a primary the proxy lost while it served on one copy, which forces its log before each answer, holds
     * everything that primary answered (a power cut takes nothing forced), so the proxy promotes it as it would that
     * primary's replica, when no other backup follows (one that does may hold what a power cut took from that directory
     * if its primary did not force; a REGISTER before its backup's judgement is taken on the same terms).
     */
    record Follow(long epoch, long server, long primaryServer, long lastIndex, long history, String directory,
                  boolean forced) implements Frame {
        public Follow {
            requireAtLeast("FOLLOW epoch", epoch, 0);
            requireAtLeast("FOLLOW server", server, 1);
            requireAtLeast("FOLLOW primaryServer", primaryServer, 0);
            requireAtLeast("FOLLOW lastIndex", lastIndex, 0);
            Objects.requireNonNull(directory, "FOLLOW directory: expected a node directory's name or \"\", found null");
            if (!directory.isEmpty()) {
                Register.requireDirectoryName("FOLLOW directory", directory);
            }
        }

        /** A FOLLOW that names no node directory. */
        public Follow(long epoch, long server, long primaryServer, long lastIndex) {
            this(epoch, server, primaryServer, lastIndex, 0, "", false);
        }

        /** A FOLLOW that does not say how far the copy goes. */
        public Follow(long epoch, long server, long primaryServer) {
            this(epoch, server, primaryServer, 0);
        }

        /** A FOLLOW that does not name the primary followed. */
        public Follow(long epoch, long server) {
            this(epoch, server, 0);
        }

        @Override
        public FrameType type() {
            return FrameType.FOLLOW;
        }
    }

    /**
     * proxy → backup: "you are the primary of {@code epoch}": the proxy lost the primary it followed, and that primary
     * named this backup its replica; or ({@code switchover}) that primary stepped down for it (STEPPED_DOWN): it is
     * alive, holds exactly what this backup holds, and becomes its backup, so it must not be fenced. The proxy accepts a
     * REGISTER of this epoch from this backup only.
     */
    record Promote(long epoch, boolean switchover) implements Frame {
        public Promote {
            requireAtLeast("PROMOTE epoch", epoch, 1);
        }

        @Override
        public FrameType type() {
            return FrameType.PROMOTE;
        }
    }

    /**
     * proxy → primary of {@code epoch}, the operator's planned switchover: stop serving (requests that arrive from now
     * on stay unanswered, the proxy resends them to the next primary), let every answer out once the replica holds
     * what it depends on, then say {@link SteppedDown} and become that replica's backup; or {@link StepDownRefused}
     * and serve on.
     */
    record StepDown(long epoch) implements Frame {
        public StepDown {
            requireAtLeast("STEP_DOWN epoch", epoch, 1);
        }

        @Override
        public FrameType type() {
            return FrameType.STEP_DOWN;
        }
    }

    /**
     * primary → proxy, after every answer it will ever send: its replica acknowledged {@code index}, the last update it
     * applied, so the proxy may promote that replica at once (PROMOTE with switchover).
     */
    record SteppedDown(long index) implements Frame {
        public SteppedDown {
            requireAtLeast("STEPPED_DOWN index", index, 0);
        }

        @Override
        public FrameType type() {
            return FrameType.STEPPED_DOWN;
        }
    }

    /** primary → proxy: a STEP_DOWN it did not carry out, and why; it serves on as before. */
    record StepDownRefused(String reason) implements Frame {
        public StepDownRefused {
            Objects.requireNonNull(reason, "STEP_DOWN_REFUSED reason: expected a text, found null");
        }

        @Override
        public FrameType type() {
            return FrameType.STEP_DOWN_REFUSED;
        }
    }

    /** proxy → primary: registration accepted; unanswered requests follow at once. */
    record Registered(long proxyPid) implements Frame {
        public Registered {
            requireAtLeast("REGISTERED proxyPid", proxyPid, 1);
        }

        @Override
        public FrameType type() {
            return FrameType.REGISTERED;
        }
    }

    /**
     * proxy → primary (or following backup): refused, a primary of {@code currentEpoch} (≥ the one offered) was seen;
     * the proxy closes.
     */
    record StaleEpoch(long currentEpoch) implements Frame {
        public StaleEpoch {
            requireAtLeast("STALE_EPOCH currentEpoch", currentEpoch, 0);
        }

        @Override
        public FrameType type() {
            return FrameType.STALE_EPOCH;
        }
    }

    /**
     * proxy → primary: one client request line (without its line terminator), as the client sent its bytes (UTF-8;
     * the proxy never decodes it). {@code conn} is unique over the proxy's lifetime and across restarts; {@code seq}
     * starts at 1 per conn; {@code floor} is the highest seq whose answer the proxy has delivered on that conn (0 for
     * none), so answers up to it may be forgotten. A proxy sends no REQUEST more than {@link #MAX_IN_FLIGHT} ahead of
     * its floor ({@code seq - floor <= MAX_IN_FLIGHT}), which bounds what a primary keeps per connection until the
     * floor passes it.
     *
     * <p>{@code line} belongs to whoever made the frame: writing the frame copies its bytes and never releases it;
     * {@link FrameCodec} decodes it into a heap buffer of its own, which needs no release (the primary queues
     * requests and keeps some of them, so they must not hold on to the link's read buffers).
     */
    record Request(long conn, long seq, long floor, ByteBuf line) implements Frame {
        /**
         * Requests of one connection that may be between the proxy's reading them and their answers' delivery to the
         * client at once (the proxy stops reading a client at this many): {@code seq - floor} never exceeds it.
         */
        public static final int MAX_IN_FLIGHT = 1024;

        public Request {
            requireAtLeast("REQUEST seq", seq, 1);
            requireAtLeast("REQUEST floor", floor, 0);
            if (floor >= seq) {
                throw new IllegalArgumentException("REQUEST floor: expected less than seq " + seq + ", found " + floor);
            }
            Objects.requireNonNull(line, "REQUEST line: expected bytes, found null");
        }

        /** A request whose line is {@code line}'s UTF-8 bytes. */
        public Request(long conn, long seq, long floor, String line) {
            this(conn, seq, floor, utf8(line, "REQUEST line"));
        }

        /** The line decoded (UTF-8; a malformed sequence becomes U+FFFD). */
        public String lineText() {
            return line.toString(StandardCharsets.UTF_8);
        }

        /** As a log line shows it: the connection in hex, and the line's start, not its buffer's state. */
        @Override
        public String toString() {
            int shown = Math.min(line.readableBytes(), Lines.SHOWN_CHARS * 4); // a char is at most 4 UTF-8 bytes
            String text = line.toString(line.readerIndex(), shown, StandardCharsets.UTF_8);
            return "REQUEST conn " + Long.toHexString(conn) + " seq " + seq + " floor " + floor + " line '"
                    + Lines.shortened(text, Lines.SHOWN_CHARS) + "'"
                    + (line.readableBytes() > shown ? " (" + line.readableBytes() + " bytes)" : "");
        }

        @Override
        public FrameType type() {
            return FrameType.REQUEST;
        }
    }

    /**
     * primary → proxy: the next bytes of a long answer for (conn, seq); more parts may follow, and the ANSWER for
     * (conn, seq) brings the last bytes. The receiver joins them: the whole answer is the parts in order, then the
     * ANSWER's text. A primary sends a long answer this way so that the answers of other connections can go between
     * its parts instead of waiting behind tens of MB on the one link; answers of the same connection never do.
     *
     * <p>{@code part} belongs to whoever made the frame, as an {@link Answer}'s text does.
     */
    record AnswerPart(long conn, long seq, ByteBuf part) implements Frame {
        public AnswerPart {
            requireAtLeast("ANSWER_PART seq", seq, 1);
            Objects.requireNonNull(part, "ANSWER_PART part: expected bytes, found null");
            if (!part.isReadable()) {
                throw new IllegalArgumentException("ANSWER_PART part: expected at least one byte, found none");
            }
        }

        @Override
        public FrameType type() {
            return FrameType.ANSWER_PART;
        }
    }

    /**
     * primary → proxy: the answer text for (conn, seq): one or more lines, UTF-8, ending with {@code \n}.
     *
     * <p>{@code answer} belongs to whoever made the frame: writing the frame copies its bytes and never releases it.
     * {@link FrameCodec} decodes it as a retained slice of the link's read buffer, which the receiver must release
     * (the proxy hands it to the client's channel, whose write releases it): the answer's bytes go from the primary
     * link to the client socket without a copy.
     */
    record Answer(long conn, long seq, ByteBuf answer) implements Frame {
        public Answer {
            requireAtLeast("ANSWER seq", seq, 1);
            Objects.requireNonNull(answer, "ANSWER answer: expected bytes, found null");
            int length = answer.readableBytes();
            if (length == 0 || answer.getByte(answer.readerIndex() + length - 1) != '\n') {
                throw new IllegalArgumentException("ANSWER answer: expected text ending with a newline, found "
                        + (length == 0 ? "an empty string" : "text ending with '" + answer.toString(
                        answer.readerIndex() + Math.max(0, length - 20), Math.min(20, length), StandardCharsets.UTF_8) + "'"));
            }
        }

        /** An answer whose text is {@code answer}'s UTF-8 bytes. */
        public Answer(long conn, long seq, String answer) {
            this(conn, seq, utf8(answer, "ANSWER answer"));
        }

        /** The answer decoded (UTF-8). */
        public String answerText() {
            return answer.toString(StandardCharsets.UTF_8);
        }

        @Override
        public FrameType type() {
            return FrameType.ANSWER;
        }
    }

    /** proxy → primary: the client of {@code conn} left; its answer-table entries may go. */
    record Closed(long conn) implements Frame {
        @Override
        public FrameType type() {
            return FrameType.CLOSED;
        }
    }

    /** both ways: liveness on an idle link; the peer answers {@link Pong} with the same nanos. */
    record Ping(long nanos) implements Frame {
        @Override
        public FrameType type() {
            return FrameType.PING;
        }
    }

    /**
     * primary (or following backup) → proxy: a long piece of work starts on the node's one serving thread (a request
     * of megabytes, or its effect on the backup), during which it reads and writes nothing: the proxy takes silence for
     * up to {@code millis} from now as that work, not as a failed peer. Sent and flushed before the work.
     */
    record Busy(long millis) implements Frame {
        /** The least an announcement covers, however small the work it announces (a second of silence is a failure). */
        public static final long MIN_MILLIS = 2_000;

        public Busy {
            requireAtLeast("millis", millis, 0);
        }

        @Override
        public FrameType type() {
            return FrameType.BUSY;
        }
    }

    /** both ways: the answer to a {@link Ping}, echoing its nanos. */
    record Pong(long nanos) implements Frame {
        @Override
        public FrameType type() {
            return FrameType.PONG;
        }
    }

    /** {@code text}'s UTF-8 bytes in a heap buffer (no release needed). */
    private static ByteBuf utf8(String text, String field) {
        Objects.requireNonNull(text, field + ": expected a string, found null");
        return Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void requireAtLeast(String field, long value, long minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(field + ": expected at least " + minimum + ", found " + value);
        }
    }
}
