package tuplespace.replication;

import io.netty.buffer.ByteBuf;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import tuplespace.codec.Utf8Text;
import tuplespace.space.Effect;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/**
 * Binary form of a {@link ReplicationMessage} (one frame's payload, without the length prefix): a type
 * byte, then fields; numbers are 8-byte big-endian longs, strings a 4-byte length and UTF-8 bytes, tuples
 * their text form. {@link #decode} rejects anything else with {@link ReplicationProtocolException}: a
 * stray client writing garbage to BACKUP_SAP or HEARTBEAT_SAP is dropped, it never crashes the node.
 *
 * <p>Log entries, the bulk of what a backup and a restart decode, are read from a {@link ByteBuffer} (an ENTRIES
 * frame's {@link ByteBuf#nioBuffer()}, a log record as it is): its reads are a few calls deep where a {@code ByteBuf}'s
 * are a dozen, and a restart decodes its log in a cold JVM, much of it interpreted. Decoding 100,000 logged updates
 * in a fresh JVM took 146 ms so, against 327 ms through {@code ByteBuf}s.
 */
public final class ReplicationCodec {

    private static final byte SNAPSHOT_BEGIN = 1;
    /** Written by {@link SnapshotStream} too, which makes these frames straight from a snapshot's tree. */
    static final byte SNAPSHOT_PAIRS = 2;
    private static final byte SNAPSHOT_END = 3;
    private static final byte ENTRIES = 4;
    private static final byte ACK = 5;
    private static final byte STOP = 6;
    private static final byte HEARTBEAT = 7;
    private static final byte SNAPSHOT_ANSWERS = 8;
    private static final byte BUSY = 9;
    private static final byte REFUSED = 10;

    private static final byte APPLIED = 1;
    private static final byte CLOSED = 3;

    private ReplicationCodec() {
    }

    public static void encode(ReplicationMessage message, ByteBuf out) {
        if (message instanceof ReplicationMessage.SnapshotBegin begin) {
            out.writeByte(SNAPSHOT_BEGIN).writeLong(begin.epoch()).writeLong(begin.index()).writeLong(begin.primaryPid())
                    .writeLong(begin.primaryServer());
            writeString(out, begin.heartbeatSap());
            out.writeBoolean(begin.resume()).writeBoolean(begin.mayLackAnswered()).writeLong(begin.history())
                    .writeLong(begin.recoveredIndex()).writeLong(begin.recoveredEpoch())
                    .writeLong(begin.recoveredServer());
        } else if (message instanceof ReplicationMessage.SnapshotAnswers chunk) {
            out.writeByte(SNAPSHOT_ANSWERS).writeInt(chunk.answers().size());
            chunk.answers().forEach(entry -> writeAnswer(out, entry));
        } else if (message instanceof ReplicationMessage.SnapshotPairs slice) {
            out.writeByte(SNAPSHOT_PAIRS).writeInt(slice.size());
            for (int i = 0; i < slice.size(); i++) {
                out.writeInt(slice.key(i).length).writeBytes(slice.key(i));
                out.writeInt(slice.value(i).length).writeBytes(slice.value(i));
            }
        } else if (message instanceof ReplicationMessage.SnapshotEnd end) {
            out.writeByte(SNAPSHOT_END).writeLong(end.index()).writeLong(end.digest());
        } else if (message instanceof ReplicationMessage.Entries entries) {
            out.writeByte(ENTRIES).writeLong(entries.digestAfter()).writeLong(entries.forcedIndex())
                    .writeInt(entries.entries().size());
            entries.entries().forEach(entry -> writeEntry(out, entry));
        } else if (message instanceof ReplicationMessage.Ack ack) {
            out.writeByte(ACK).writeLong(ack.index()).writeLong(ack.digest()).writeLong(ack.backupPid()).writeLong(ack.backupServer());
        } else if (message instanceof ReplicationMessage.Stop stop) {
            out.writeByte(STOP);
            writeString(out, stop.reason());
        } else if (message instanceof ReplicationMessage.Refused refused) {
            out.writeByte(REFUSED);
            writeString(out, refused.reason());
        } else if (message instanceof ReplicationMessage.Heartbeat heartbeat) {
            out.writeByte(HEARTBEAT).writeLong(heartbeat.server()).writeLong(heartbeat.forcedIndex());
        } else if (message instanceof ReplicationMessage.Busy busy) {
            out.writeByte(BUSY).writeLong(busy.millis());
        }
    }

    /** Decodes one whole frame payload; every byte must be used. */
    public static ReplicationMessage decode(ByteBuf in) {
        try {
            ReplicationMessage message = decodeMessage(in);
            if (in.isReadable()) {
                throw new ReplicationProtocolException("expected the frame to end after a "
                        + message.getClass().getSimpleName() + ", found " + in.readableBytes() + " more bytes");
            }
            return message;
        } catch (IndexOutOfBoundsException | BufferUnderflowException e) {
            throw new ReplicationProtocolException("expected a complete replication frame, found one cut short");
        } catch (IllegalArgumentException e) {
            throw new ReplicationProtocolException("expected a valid replication frame, found: " + e.getMessage());
        }
    }

    /**
     * Writes one log entry as an {@link ReplicationMessage.Entries} frame carries it. The node's write-ahead log stores
     * entries in this form too (docs/internals.md "Files"), so the link and the disk share one encoding.
     */
    public static void encodeEntry(Replicated entry, ByteBuf out) {
        writeEntry(out, entry);
    }

    /**
     * Decodes one entry written by {@link #encodeEntry} (a log record's payload); every byte from {@code in}'s position
     * to its limit must be used.
     */
    public static Replicated decodeEntry(ByteBuffer in) {
        return decodeWhole(in, ReplicationCodec::readEntry);
    }

    /**
     * Decodes one entry written by {@link #encodeEntry} into {@code into}, its tuples and answer as the bytes they were
     * written with (no tuple is parsed); every byte from {@code in}'s position to its limit must be used. Throws as
     * {@link #decodeEntry(ByteBuffer)}, also for what {@code into} refuses with an {@link IllegalArgumentException};
     * what it was given before the refusal stays given.
     */
    public static void decodeEntry(ByteBuffer in, ChangeSink into) {
        decodeWhole(in, buffer -> {
            Replicated.checkPosition(buffer.getLong(), buffer.getLong());
            readChange(buffer, into);
            return null;
        });
    }

    /**
     * What one entry's change holds, as {@link #decodeEntry(ByteBuffer, ChangeSink)} reads it: an update's removed keys
     * and written pairs, in order, then the update itself; or a closed connection. The arrays become the receiver's.
     * How a restart sums up its log without making a tuple, a list or a change of each entry.
     */
    public interface ChangeSink {

        /** The update being read removes this key (its text form's UTF-8). */
        void removed(byte[] key);

        /** The update being read writes this pair (the UTF-8 of each text form). */
        void written(byte[] key, byte[] value);

        /** The update read last, after its keys and pairs: see {@link Change.Applied}. */
        void applied(long conn, long seq, long floor, byte[] answer);

        /** See {@link Change.Closed}. */
        void closed(long conn);
    }

    /** {@link #decodeWhole} over a {@code ByteBuffer}: what {@code read} leaves, or a read cut short, refused. */
    private static <T> T decodeWhole(ByteBuffer in, Function<ByteBuffer, T> read) {
        try {
            T value = read.apply(in);
            if (in.hasRemaining()) {
                throw new ReplicationProtocolException("expected the data to end, found " + in.remaining() + " more bytes");
            }
            return value;
        } catch (BufferUnderflowException e) {
            throw new ReplicationProtocolException("expected complete data, found it cut short");
        } catch (IllegalArgumentException e) {
            throw new ReplicationProtocolException("expected valid data, found: " + e.getMessage());
        }
    }

    /** Writes one answer-table entry as a {@link ReplicationMessage.SnapshotAnswers} chunk carries it (and a snapshot file). */
    public static void encodeAnswer(AnswerTable.Entry entry, ByteBuf out) {
        writeAnswer(out, entry);
    }

    /** Decodes answer-table entries written one after another by {@link #encodeAnswer}, up to the end of {@code in}. */
    public static List<AnswerTable.Entry> decodeAnswers(ByteBuf in) {
        return decodeWhole(in, buffer -> {
            List<AnswerTable.Entry> answers = new ArrayList<>();
            while (buffer.isReadable()) {
                answers.add(readAnswer(buffer));
            }
            return answers;
        });
    }

    /** Runs {@code read} over the whole of {@code in}, with the same refusals as {@link #decode}. */
    private static <T> T decodeWhole(ByteBuf in, Function<ByteBuf, T> read) {
        try {
            T value = read.apply(in);
            if (in.isReadable()) {
                throw new ReplicationProtocolException("expected the data to end, found " + in.readableBytes() + " more bytes");
            }
            return value;
        } catch (IndexOutOfBoundsException e) {
            throw new ReplicationProtocolException("expected complete data, found it cut short");
        } catch (IllegalArgumentException e) {
            throw new ReplicationProtocolException("expected valid data, found: " + e.getMessage());
        }
    }

    private static ReplicationMessage decodeMessage(ByteBuf in) {
        byte type = in.readByte();
        switch (type) {
            case SNAPSHOT_BEGIN:
                return new ReplicationMessage.SnapshotBegin(in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                        readString(in),
                        readFlag(in, "resume"), readFlag(in, "mayLackAnswered"), in.readLong(), in.readLong(),
                        in.readLong(), in.readLong());
            case SNAPSHOT_ANSWERS: {
                int count = readCount(in, 16 + 4);
                List<AnswerTable.Entry> answers = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    answers.add(readAnswer(in));
                }
                return new ReplicationMessage.SnapshotAnswers(answers);
            }
            case SNAPSHOT_PAIRS: {
                int count = readCount(in, 8);
                byte[][] keys = new byte[count][];
                byte[][] values = new byte[count][];
                for (int i = 0; i < count; i++) {
                    keys[i] = readBytes(in);
                    values[i] = readBytes(in);
                }
                return new ReplicationMessage.SnapshotPairs(keys, values);
            }
            case SNAPSHOT_END:
                return new ReplicationMessage.SnapshotEnd(in.readLong(), in.readLong());
            case ENTRIES: {
                long digest = in.readLong();
                long forcedIndex = in.readLong();
                int count = readCount(in, 17);
                ByteBuffer bytes = in.nioBuffer();
                int start = bytes.position();
                List<Replicated> entries = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    entries.add(readEntry(bytes));
                }
                in.skipBytes(bytes.position() - start);
                return new ReplicationMessage.Entries(entries, digest, forcedIndex);
            }
            case ACK:
                return new ReplicationMessage.Ack(in.readLong(), in.readLong(), in.readLong(), in.readLong());
            case STOP:
                return new ReplicationMessage.Stop(readString(in));
            case HEARTBEAT:
                return new ReplicationMessage.Heartbeat(in.readLong(), in.readLong());
            case BUSY:
                return new ReplicationMessage.Busy(in.readLong());
            case REFUSED:
                return new ReplicationMessage.Refused(readString(in));
            default:
                throw new ReplicationProtocolException("expected a replication message type 1-10, found " + type);
        }
    }

    /** The bytes {@link #encode} gives {@code entry} inside an {@link ReplicationMessage.Entries} batch. */
    public static long encodedSize(Replicated entry) {
        long size = 8 + 8 + 1;
        if (entry.change() instanceof Change.Applied applied) {
            size += 8 + 8 + 8 + 4 + 4 + 4 + applied.answer().length();
            for (Tuple key : applied.effect().removed()) {
                size += 4 + key.utf8().length;
            }
            for (Pair pair : applied.effect().written()) {
                size += 8 + pair.key().utf8().length + pair.value().utf8().length;
            }
        } else {
            size += 8;
        }
        return size;
    }

    /**
     * The bytes {@link #encode} gives {@code entries}, its header and each entry's {@link #encodedSize(Replicated)}:
     * the size of the buffer to encode them into.
     */
    public static long encodedSize(ReplicationMessage.Entries entries) {
        long size = 1 + 8 + 8 + 4; // type, digest, forced index, count
        for (Replicated entry : entries.entries()) {
            size += encodedSize(entry);
        }
        return size;
    }

    /** The bytes {@link #encode} gives one answer-table entry inside a {@link ReplicationMessage.SnapshotAnswers}. */
    public static long encodedSize(AnswerTable.Entry entry) {
        return 8 + 8 + 4 + entry.answer().length();
    }

    private static void writeEntry(ByteBuf out, Replicated entry) {
        out.writeLong(entry.epoch()).writeLong(entry.index());
        Change change = entry.change();
        if (change instanceof Change.Applied applied) {
            out.writeByte(APPLIED).writeLong(applied.conn()).writeLong(applied.seq()).writeLong(applied.floor());
            out.writeInt(applied.effect().removed().size());
            applied.effect().removed().forEach(key -> writeTuple(out, key));
            out.writeInt(applied.effect().written().size());
            applied.effect().written().forEach(pair -> writePair(out, pair));
            writeText(out, applied.answer());
        } else if (change instanceof Change.Closed closed) {
            out.writeByte(CLOSED).writeLong(closed.conn());
        }
    }

    private static Replicated readEntry(ByteBuffer in) {
        long epoch = in.getLong();
        long index = in.getLong();
        ChangeBuilder change = new ChangeBuilder();
        readChange(in, change);
        return new Replicated(epoch, index, change.built);
    }

    /** The one reader of an entry's change, after its epoch and index. */
    private static void readChange(ByteBuffer in, ChangeSink into) {
        byte kind = in.get();
        switch (kind) {
            case APPLIED: {
                long conn = in.getLong();
                long seq = in.getLong();
                long floor = in.getLong();
                Change.Applied.checkRequest(seq, floor);
                int removedCount = readCount(in, 4);
                for (int i = 0; i < removedCount; i++) {
                    into.removed(readBytes(in));
                }
                int writtenCount = readCount(in, 8);
                for (int i = 0; i < writtenCount; i++) {
                    into.written(readBytes(in), readBytes(in));
                }
                into.applied(conn, seq, floor, readBytes(in));
                break;
            }
            case CLOSED:
                into.closed(in.getLong());
                break;
            default:
                throw new ReplicationProtocolException("expected a change kind " + APPLIED + " or " + CLOSED + ", found " + kind);
        }
    }

    /**
     * A {@link Change} of tuples from what {@link #readChange} reads; the tuples parsed, so checked. A tuple's bytes
     * become its own, which the space stores as they are.
     */
    private static final class ChangeBuilder implements ChangeSink {

        private List<Tuple> removed = List.of(); // an ArrayList from the first key on
        private List<Pair> written = List.of();
        private Change built;

        @Override
        public void removed(byte[] key) {
            if (removed.isEmpty()) {
                removed = new ArrayList<>();
            }
            removed.add(Tuple.parseUtf8(key));
        }

        @Override
        public void written(byte[] key, byte[] value) {
            if (written.isEmpty()) {
                written = new ArrayList<>();
            }
            written.add(new Pair(Tuple.parseUtf8(key), Tuple.parseUtf8(value)));
        }

        @Override
        public void applied(long conn, long seq, long floor, byte[] answer) {
            built = new Change.Applied(conn, seq, floor, new Effect(removed, written), Utf8Text.wrap(answer));
        }

        @Override
        public void closed(long conn) {
            built = new Change.Closed(conn);
        }
    }

    private static void writeAnswer(ByteBuf out, AnswerTable.Entry entry) {
        out.writeLong(entry.conn()).writeLong(entry.seq());
        writeText(out, entry.answer());
    }

    private static AnswerTable.Entry readAnswer(ByteBuf in) {
        return new AnswerTable.Entry(in.readLong(), in.readLong(), readText(in));
    }

    private static void writePair(ByteBuf out, Pair pair) {
        writeTuple(out, pair.key());
        writeTuple(out, pair.value());
    }

    /** A tuple as a string of its UTF-8: the bytes it was made with, not encoded again. */
    private static void writeTuple(ByteBuf out, Tuple tuple) {
        out.writeInt(tuple.utf8().length).writeBytes(tuple.utf8());
    }

    /** A length and that many bytes, copied out. */
    private static byte[] readBytes(ByteBuf in) {
        byte[] bytes = new byte[readLength(in)];
        in.readBytes(bytes);
        return bytes;
    }

    /** The same from a {@code ByteBuffer}: how an entry's tuples and answer are read (see the class comment). */
    private static byte[] readBytes(ByteBuffer in) {
        byte[] bytes = new byte[checkedLength(in.getInt(), in.remaining())];
        in.get(bytes);
        return bytes;
    }

    private static void writeString(ByteBuf out, String text) {
        int lengthAt = out.writerIndex();
        out.writeInt(0);
        int written = out.writeCharSequence(text, StandardCharsets.UTF_8);
        out.setInt(lengthAt, written);
    }

    /** Text kept as UTF-8, framed as {@link #writeString} frames a string: the same bytes on the wire and on disk. */
    private static void writeText(ByteBuf out, Utf8Text text) {
        out.writeInt(text.length());
        text.writeTo(out);
    }

    private static boolean readFlag(ByteBuf in, String field) {
        byte flag = in.readByte();
        if (flag != 0 && flag != 1) {
            throw new ReplicationProtocolException("expected 0 or 1 for " + field + ", found " + flag);
        }
        return flag == 1;
    }

    private static String readString(ByteBuf in) {
        return in.readCharSequence(readLength(in), StandardCharsets.UTF_8).toString();
    }

    private static Utf8Text readText(ByteBuf in) {
        return Utf8Text.read(in, readLength(in));
    }

    /** A string's length, which the remaining bytes must hold. */
    private static int readLength(ByteBuf in) {
        return checkedLength(in.readInt(), in.readableBytes());
    }

    private static int checkedLength(int length, int remaining) {
        if (length < 0 || length > remaining) {
            throw new ReplicationProtocolException("expected a string of at most " + remaining + " bytes, found a length of "
                    + length);
        }
        return length;
    }

    /** A count that the remaining bytes can hold (each element at least {@code minBytes}): no huge allocations. */
    private static int readCount(ByteBuf in, int minBytes) {
        return checkedCount(in.readInt(), minBytes, in.readableBytes());
    }

    private static int readCount(ByteBuffer in, int minBytes) {
        return checkedCount(in.getInt(), minBytes, in.remaining());
    }

    private static int checkedCount(int count, int minBytes, int remaining) {
        if (count < 0 || (long) count * minBytes > remaining) {
            throw new ReplicationProtocolException("expected a count the frame can hold, found " + count);
        }
        return count;
    }
}
