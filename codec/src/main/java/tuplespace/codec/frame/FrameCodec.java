package tuplespace.codec.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import tuplespace.codec.Sap;
import tuplespace.codec.netty.LargeMessageCumulator;

/**
 * Frame ⇄ bytes for the proxy⇄primary link (docs/internals.md): 4-byte length, type byte and payload. Inbound,
 * Netty's {@link LengthFieldBasedFrameDecoder} strips the length prefix and this codec decodes the rest; outbound,
 * it writes prefix, type and payload into one exactly sized buffer (one allocation per frame, no composite:
 * the link carries a frame per request). Request lines and answer texts are bytes, never decoded here: a decoded
 * ANSWER's text is a retained slice of the read buffer that the receiver releases, a decoded REQUEST's line a heap
 * copy ({@link Frame.Request}, {@link Frame.Answer}). {@link #install} puts both in a pipeline. Decoding errors raise
 * {@link FrameFormatException} (a {@link DecoderException}); an oversize frame raises Netty's
 * {@code TooLongFrameException}. Both mean the link is broken: close it.
 *
 * <p>Stateless, so one instance may be shared ({@link Sharable}).
 */
@ChannelHandler.Sharable
public final class FrameCodec extends ChannelDuplexHandler {

    /**
     * Default largest frame (type + payload), 64 MiB: a request line is at most the proxy's max line (1 MiB by
     * default), but an answer to GET lists every matching pair and can be far longer.
     */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 64 * 1024 * 1024;

    /**
     * The largest answer text (UTF-8 bytes) an ANSWER frame may carry: 256 MiB. A primary must not send a longer
     * one (it answers an error instead); docs/internals.md.
     */
    public static final int MAX_ANSWER_BYTES = 256 * 1024 * 1024;

    /** What an ANSWER or ANSWER_PART frame holds besides its text: type byte, conn, seq and the text's length. */
    public static final int ANSWER_FIELDS_BYTES = 1 + 2 * Long.BYTES + Integer.BYTES;

    /** The longest ANSWER frame (type + payload) a primary may send: {@link #MAX_ANSWER_BYTES} and its fields. */
    public static final int MAX_ANSWER_FRAME_LENGTH = ANSWER_FIELDS_BYTES + MAX_ANSWER_BYTES;

    public static final String LENGTH_DECODER_NAME = "frameLengthDecoder";
    public static final String CODEC_NAME = "frameCodec";

    /** The length prefix before every frame. */
    public static final int LENGTH_FIELD_BYTES = 4;
    private static final FrameCodec SHARED = new FrameCodec();

    private FrameCodec() {
    }

    /** Adds length framing and this codec at the end of {@code pipeline}; handlers added after see {@link Frame}s. */
    public static void install(ChannelPipeline pipeline, int maxFrameLength) {
        if (maxFrameLength < 1 + 8) {
            throw new IllegalArgumentException("maxFrameLength: expected at least 9 bytes, found " + maxFrameLength);
        }
        pipeline.addLast(LENGTH_DECODER_NAME, LargeMessageCumulator.on(new LengthFieldBasedFrameDecoder(
                maxFrameLength, 0, LENGTH_FIELD_BYTES, 0, LENGTH_FIELD_BYTES, true)));
        pipeline.addLast(CODEC_NAME, SHARED);
    }

    /**
     * Like {@link #install(ChannelPipeline, int)}, but an inbound frame over {@code maxFrameLength} does not break
     * the link: it is skipped without being buffered and handlers after see one {@link OversizeFrame} for it instead.
     */
    public static void installSkippingOversize(ChannelPipeline pipeline, int maxFrameLength) {
        if (maxFrameLength < 1 + 8) {
            throw new IllegalArgumentException("maxFrameLength: expected at least 9 bytes, found " + maxFrameLength);
        }
        pipeline.addLast(LENGTH_DECODER_NAME, new OversizeSkippingFrameDecoder(maxFrameLength));
        pipeline.addLast(CODEC_NAME, SHARED);
    }

    /** {@link #install(ChannelPipeline, int)} with {@link #DEFAULT_MAX_FRAME_LENGTH}. */
    public static void install(ChannelPipeline pipeline) {
        install(pipeline, DEFAULT_MAX_FRAME_LENGTH);
    }

    /** A length-stripped frame becomes a {@link Frame}; anything else (e.g. an {@link OversizeFrame}) passes. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (!(message instanceof ByteBuf frameBytes)) {
            ctx.fireChannelRead(message);
            return;
        }
        Frame frame;
        try {
            frame = decode(frameBytes);
        } catch (DecoderException e) {
            throw e; // FrameFormatException is one
        } catch (RuntimeException e) {
            throw new DecoderException(e);
        } finally {
            frameBytes.release();
        }
        ctx.fireChannelRead(frame);
    }

    /**
     * A {@link Frame} becomes one buffer: length prefix, type byte and payload. Anything else passes as it is: a
     * {@link ByteBuf} written to the pipeline must hold whole frames, each behind its length prefix
     * ({@link #encodeWithLength(Frame, ByteBuf)}), which lets a writer frame many at once into one buffer.
     */
    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        if (!(message instanceof Frame frame)) {
            ctx.write(message, promise);
            return;
        }
        ByteBuf buffer;
        try {
            buffer = encodeWithLength(frame, ctx);
        } catch (EncoderException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EncoderException(e);
        }
        ctx.write(buffer, promise);
    }

    private static ByteBuf encodeWithLength(Frame frame, ChannelHandlerContext ctx) {
        int frameLength = frameLength(frame);
        ByteBuf buffer = ctx.alloc().ioBuffer(LENGTH_FIELD_BYTES + frameLength);
        try {
            buffer.writeInt(frameLength);
            encode(frame, buffer);
        } catch (RuntimeException | Error e) { // an Error too: direct memory can run out while the buffer grows
            buffer.release();
            throw e;
        }
        return buffer;
    }

    /** Type byte and payload bytes of {@code frame}: exactly what {@link #encode(Frame, ByteBuf)} writes. */
    private static int frameLength(Frame frame) {
        if (frame instanceof Frame.Request request) {
            return 1 + 3 * Long.BYTES + Integer.BYTES + request.line().readableBytes();
        } else if (frame instanceof Frame.Answer answer) {
            return ANSWER_FIELDS_BYTES + answer.answer().readableBytes();
        } else if (frame instanceof Frame.AnswerPart part) {
            return ANSWER_FIELDS_BYTES + part.part().readableBytes();
        } else if (frame instanceof Frame.Register register) {
            return 1 + 6 * Long.BYTES + 2 * Integer.BYTES + ByteBufUtil.utf8Bytes(register.shutdownSap().toString())
                    + ByteBufUtil.utf8Bytes(String.join(",", register.directories())) + 1;
        } else if (frame instanceof Frame.Follow follow) {
            return 1 + 5 * Long.BYTES + Integer.BYTES + ByteBufUtil.utf8Bytes(follow.directory()) + 1;
        } else if (frame instanceof Frame.Promote) {
            return 1 + Long.BYTES + 1;
        } else if (frame instanceof Frame.StepDownRefused refused) {
            return 1 + Integer.BYTES + ByteBufUtil.utf8Bytes(refused.reason());
        }
        return 1 + Long.BYTES; // REGISTERED, STALE_EPOCH, CLOSED, PING, PONG, BUSY, REPLICA, STEP_DOWN, STEPPED_DOWN
    }

    /**
     * Appends {@code frame} to {@code out} exactly as this codec sends it: 4-byte length, type byte and payload.
     * On any failure, an Error such as direct memory running out while {@code out} grows included, {@code out} is left
     * as it was: a frame left half-written would go out behind its length's placeholder, a zero (an "empty frame").
     */
    public static void encodeWithLength(Frame frame, ByteBuf out) {
        int lengthAt = out.writerIndex();
        try {
            out.writeInt(0);
            encode(frame, out);
        } catch (RuntimeException | Error e) {
            out.writerIndex(lengthAt);
            throw e;
        }
        out.setInt(lengthAt, out.writerIndex() - lengthAt - LENGTH_FIELD_BYTES);
    }

    /**
     * Appends the start of {@code answer}'s frame to {@code out}: everything {@link #encodeWithLength(Frame, ByteBuf)}
     * writes but the answer text itself, which must follow it on the link byte for byte. A writer sends a long answer's
     * own buffer after this instead of copying it into a buffer of frames.
     */
    public static void encodeAnswerHeaderWithLength(Frame.Answer answer, ByteBuf out) {
        encodeAnswerHeaderWithLength(answer.conn(), answer.seq(), answer.answer().readableBytes(), out);
    }

    /** Like {@link #encodeAnswerHeaderWithLength(Frame.Answer, ByteBuf)}, for an ANSWER of {@code length} bytes. */
    public static void encodeAnswerHeaderWithLength(long conn, long seq, int length, ByteBuf out) {
        encodeTextHeaderWithLength(FrameType.ANSWER, conn, seq, length, out);
    }

    /** Like {@link #encodeAnswerHeaderWithLength(Frame.Answer, ByteBuf)}, for an ANSWER_PART of {@code length} bytes. */
    public static void encodeAnswerPartHeaderWithLength(long conn, long seq, int length, ByteBuf out) {
        encodeTextHeaderWithLength(FrameType.ANSWER_PART, conn, seq, length, out);
    }

    private static void encodeTextHeaderWithLength(FrameType type, long conn, long seq, int length, ByteBuf out) {
        out.ensureWritable(LENGTH_FIELD_BYTES + ANSWER_FIELDS_BYTES); // grows (or fails) before any byte is written
        out.writeInt(ANSWER_FIELDS_BYTES + length);
        out.writeByte(type.code());
        out.writeLong(conn);
        out.writeLong(seq);
        out.writeInt(length);
    }

    /**
     * Writes the type byte and payload of {@code frame} (no length prefix) to {@code out}. A REQUEST's line and an
     * ANSWER's text are copied from their buffers, which are neither consumed nor released.
     */
    public static void encode(Frame frame, ByteBuf out) {
        out.writeByte(frame.type().code());
        if (frame instanceof Frame.Register register) {
            out.writeLong(register.epoch());
            out.writeLong(register.pid());
            out.writeLong(register.server());
            String sap = register.shutdownSap().toString();
            writeString(out, sap, ByteBufUtil.utf8Bytes(sap));
            out.writeLong(register.lastIndex());
            out.writeLong(register.replica());
            out.writeLong(register.history());
            String directories = String.join(",", register.directories());
            writeString(out, directories, ByteBufUtil.utf8Bytes(directories));
            out.writeByte(register.unjudged() ? 1 : 0);
        } else if (frame instanceof Frame.Registered registered) {
            out.writeLong(registered.proxyPid());
        } else if (frame instanceof Frame.StaleEpoch staleEpoch) {
            out.writeLong(staleEpoch.currentEpoch());
        } else if (frame instanceof Frame.Request request) {
            out.writeLong(request.conn());
            out.writeLong(request.seq());
            out.writeLong(request.floor());
            writeBytes(out, request.line());
        } else if (frame instanceof Frame.Answer answer) {
            out.writeLong(answer.conn());
            out.writeLong(answer.seq());
            writeBytes(out, answer.answer());
        } else if (frame instanceof Frame.AnswerPart part) {
            out.writeLong(part.conn());
            out.writeLong(part.seq());
            writeBytes(out, part.part());
        } else if (frame instanceof Frame.Closed closed) {
            out.writeLong(closed.conn());
        } else if (frame instanceof Frame.Ping ping) {
            out.writeLong(ping.nanos());
        } else if (frame instanceof Frame.Pong pong) {
            out.writeLong(pong.nanos());
        } else if (frame instanceof Frame.Busy busy) {
            out.writeLong(busy.millis());
        } else if (frame instanceof Frame.Replica replica) {
            out.writeLong(replica.replica());
        } else if (frame instanceof Frame.Follow follow) {
            out.writeLong(follow.epoch());
            out.writeLong(follow.server());
            out.writeLong(follow.primaryServer());
            out.writeLong(follow.lastIndex());
            out.writeLong(follow.history());
            writeString(out, follow.directory(), ByteBufUtil.utf8Bytes(follow.directory()));
            out.writeByte(follow.forced() ? 1 : 0);
        } else if (frame instanceof Frame.Promote promote) {
            out.writeLong(promote.epoch());
            out.writeByte(promote.switchover() ? 1 : 0);
        } else if (frame instanceof Frame.StepDown stepDown) {
            out.writeLong(stepDown.epoch());
        } else if (frame instanceof Frame.SteppedDown steppedDown) {
            out.writeLong(steppedDown.index());
        } else if (frame instanceof Frame.StepDownRefused refused) {
            writeString(out, refused.reason(), ByteBufUtil.utf8Bytes(refused.reason()));
        } else {
            throw new IllegalStateException("unknown frame class " + frame.getClass().getName());
        }
    }

    /**
     * Reads one frame (type byte and payload, the length prefix already stripped) that must fill {@code in}
     * exactly.
     *
     * @throws FrameFormatException on an unknown type, a truncated payload, trailing bytes or an invalid field
     */
    public static Frame decode(ByteBuf in) {
        if (!in.isReadable()) {
            throw new FrameFormatException("empty frame: expected a type byte and a payload, found 0 bytes");
        }
        byte code = in.readByte();
        FrameType type = FrameType.fromCode(code).orElseThrow(() -> new FrameFormatException(
                "unknown frame type " + code + ": expected 1.." + FrameType.values().length + " ("
                        + java.util.Arrays.toString(FrameType.values()) + ")"));
        FrameReader reader = new FrameReader(type, in);
        Frame frame;
        try {
            frame = decodePayload(type, reader);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new FrameFormatException("invalid " + type + " frame: " + e.getMessage(), e);
        }
        try {
            reader.requireFullyRead();
        } catch (RuntimeException e) {
            if (frame instanceof Frame.Answer answer) {
                answer.answer().release();
            } else if (frame instanceof Frame.AnswerPart part) {
                part.part().release();
            }
            throw e;
        }
        return frame;
    }

    private static Frame decodePayload(FrameType type, FrameReader reader) {
        switch (type) {
            case REGISTER:
                return new Frame.Register(reader.readLong("epoch"), reader.readLong("pid"), reader.readLong("server"),
                        Sap.parse(reader.readString("shutdownSap")), reader.readLong("lastIndex"),
                        reader.readLong("replica"), reader.readOptionalLong("history", 0),
                        reader.readOptionalString("directories").filter(ids -> !ids.isEmpty())
                                .map(ids -> List.of(ids.split(","))).orElse(List.of()),
                        reader.readOptionalFlag("unjudged"));
            case REGISTERED:
                return new Frame.Registered(reader.readLong("proxyPid"));
            case STALE_EPOCH:
                return new Frame.StaleEpoch(reader.readLong("currentEpoch"));
            case REQUEST:
                return new Frame.Request(reader.readLong("conn"), reader.readLong("seq"), reader.readLong("floor"),
                        reader.readHeapCopy("line"));
            case ANSWER:
                return releasingOnFailure(reader.readLong("conn"), reader.readLong("seq"), reader.readRetainedSlice("answer"),
                        Frame.Answer::new);
            case CLOSED:
                return new Frame.Closed(reader.readLong("conn"));
            case PING:
                return new Frame.Ping(reader.readLong("nanos"));
            case PONG:
                return new Frame.Pong(reader.readLong("nanos"));
            case BUSY:
                return new Frame.Busy(reader.readLong("millis"));
            case REPLICA:
                return new Frame.Replica(reader.readLong("replica"));
            case FOLLOW:
                // a backup from before FOLLOW named its primary sends two fields: it names none (0); one from before
                // it named its node directory, four
                return new Frame.Follow(reader.readLong("epoch"), reader.readLong("server"),
                        reader.readOptionalLong("primaryServer", 0), reader.readOptionalLong("lastIndex", 0),
                        reader.readOptionalLong("history", 0), reader.readOptionalString("directory").orElse(""),
                        reader.readOptionalFlag("forced"));
            case PROMOTE:
                return new Frame.Promote(reader.readLong("epoch"), reader.readFlag("switchover"));
            case STEP_DOWN:
                return new Frame.StepDown(reader.readLong("epoch"));
            case STEPPED_DOWN:
                return new Frame.SteppedDown(reader.readLong("index"));
            case STEP_DOWN_REFUSED:
                return new Frame.StepDownRefused(reader.readString("reason"));
            case ANSWER_PART:
                return releasingOnFailure(reader.readLong("conn"), reader.readLong("seq"), reader.readRetainedSlice("part"),
                        Frame.AnswerPart::new);
            default:
                throw new IllegalStateException("unhandled frame type " + type);
        }
    }

    /** An ANSWER or ANSWER_PART made of {@code bytes}, which are released if the frame is not valid. */
    private static Frame releasingOnFailure(long conn, long seq, ByteBuf bytes, ConnSeqFrame frame) {
        try {
            return frame.of(conn, seq, bytes);
        } catch (RuntimeException e) {
            bytes.release();
            throw e;
        }
    }

    @FunctionalInterface
    private interface ConnSeqFrame {
        Frame of(long conn, long seq, ByteBuf bytes);
    }

    private static void writeBytes(ByteBuf out, ByteBuf bytes) {
        int length = bytes.readableBytes();
        out.writeInt(length);
        out.writeBytes(bytes, bytes.readerIndex(), length);
    }

    private static void writeString(ByteBuf out, String text, int utf8Bytes) {
        out.writeInt(utf8Bytes);
        // reserves exactly utf8Bytes (writeCharSequence would reserve 3 bytes per char and may grow the buffer)
        ByteBufUtil.reserveAndWriteUtf8(out, text, utf8Bytes);
    }

    /** Reads fields of one frame, naming the frame and field when bytes run out. */
    private static final class FrameReader {
        private final FrameType type;
        private final ByteBuf in;

        FrameReader(FrameType type, ByteBuf in) {
            this.type = type;
            this.in = in;
        }

        long readLong(String field) {
            require(field, Long.BYTES);
            return in.readLong();
        }

        /** A last field that older senders leave out: {@code absent} when the payload ends before it. */
        long readOptionalLong(String field, long absent) {
            return in.isReadable() ? readLong(field) : absent;
        }

        /** A last string field that older senders leave out: empty when the payload ends before it. */
        Optional<String> readOptionalString(String field) {
            return in.isReadable() ? Optional.of(readString(field)) : Optional.empty();
        }

        /** A last flag that older senders leave out: false when the payload ends before it. */
        boolean readOptionalFlag(String field) {
            return in.isReadable() && readFlag(field);
        }

        /** One byte, 0 or 1. */
        boolean readFlag(String field) {
            require(field, 1);
            byte flag = in.readByte();
            if (flag != 0 && flag != 1) {
                throw new FrameFormatException(type + " frame: expected 0 or 1 for " + field + ", found " + flag);
            }
            return flag == 1;
        }

        String readString(String field) {
            int length = readLength(field);
            return in.readCharSequence(length, StandardCharsets.UTF_8).toString();
        }

        /** A length-prefixed byte field copied into a heap buffer of its own. */
        ByteBuf readHeapCopy(String field) {
            int length = readLength(field);
            ByteBuf copy = Unpooled.buffer(length, length);
            in.readBytes(copy, length);
            return copy;
        }

        /** A length-prefixed byte field as a retained slice of the frame's buffer: the caller releases it. */
        ByteBuf readRetainedSlice(String field) {
            return in.readRetainedSlice(readLength(field));
        }

        private int readLength(String field) {
            require(field + " length", Integer.BYTES);
            int length = in.readInt();
            if (length < 0) {
                throw new FrameFormatException(type + " frame: expected a non-negative length for " + field
                        + ", found " + length);
            }
            require(field, length);
            return length;
        }

        void requireFullyRead() {
            if (in.isReadable()) {
                throw new FrameFormatException(type + " frame: expected the payload to end, found "
                        + in.readableBytes() + " trailing bytes");
            }
        }

        private void require(String field, int bytes) {
            if (in.readableBytes() < bytes) {
                throw new FrameFormatException("truncated " + type + " frame: expected " + bytes + " bytes for "
                        + field + ", found " + in.readableBytes());
            }
        }
    }
}
