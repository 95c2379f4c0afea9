package tuplespace.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tuplespace.pattern.CutOff;
import tuplespace.space.Command;
import tuplespace.space.Result;
import tuplespace.tuple.Pair;

/**
 * Formats answers (docs/protocol.md, docs/internals.md "Answer lines"). Every answer ends with {@code \n}; a JSON
 * answer is one line, a text answer is a status line, one line per pair (two spaces, key, space, value), an optional
 * {@code warning:} line (the answer is not the full answer), an optional {@code note:} line (advice on valid
 * patterns, or which elements of a PUT or POST were not well-formed pairs) and a final {@code end} line.
 */
public final class Answers {

    static final String END = "end";
    /** What an {@code ok} JSON answer with pairs holds after its id. */
    private static final String OK_PAIRS = '"' + JsonField.STATUS.wire() + "\":\"" + Status.OK.wire() + "\",\""
            + JsonField.PAIRS.wire() + "\":[";

    /** How many ill-formed elements a note names; it counts the rest. */
    private static final int NOTED_ELEMENTS = 10;

    private Answers() {
    }

    /**
     * The answer to a request the space has carried out. For PUT and POST the unused elements are answered back
     * as the client gave them.
     *
     * @throws IllegalArgumentException when {@code result} is not the kind of result the command gives (a bug)
     */
    public static String format(ParsedRequest.Valid request, Result result) {
        ByteBuf out = Unpooled.buffer();
        try {
            write(request, result, out);
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }

    /**
     * Writes the answer {@link #format} gives, in UTF-8, into {@code out}: the common answers straight from the
     * space's stored bytes (a GET of many pairs is never a {@code String}), the rare ones (warnings, notes, ids that
     * are not integers) as Jackson writes them.
     *
     * @throws IllegalArgumentException when {@code result} is not the kind of result the command gives (a bug)
     */
    public static void write(ParsedRequest.Valid request, Result result, ByteBuf out) {
        Command command = request.command();
        if (result instanceof Result.Matched matched && (command instanceof Command.Get
                || command instanceof Command.Delete)) {
            matched(request, matched, out);
            return;
        }
        if (result instanceof Result.NotUsed notUsed && (command instanceof Command.Put
                || command instanceof Command.Post)) {
            notUsed(request, notUsed, out);
            return;
        }
        throw new IllegalArgumentException("expected the result of " + command + ", found " + result);
    }

    /** The answer to a request that was not a command, in the request's mode, its id echoed. */
    public static String error(ParsedRequest.Invalid request) {
        return error(request.format(), request.id(), request.status(), request.error());
    }

    /**
     * An error answer for a request line the caller did not or could not parse (too long, no primary, ...):
     * JSON with the line's {@code id} when the line is JSON mode and its id can be recovered, else text mode.
     */
    public static String error(String requestLine, Status status, String error) {
        Format format = Format.of(requestLine);
        JsonNode id = format == Format.JSON ? Json.recoverId(requestLine) : null;
        return error(format, id, status, error);
    }

    /**
     * The answer to a client's accepted AUTH line, in the line's mode: {@code ok authenticated}, or in JSON
     * {@code ok} with the line's {@code id} echoed as written.
     */
    public static String authenticated(String authLine) {
        if (Format.of(authLine) == Format.JSON) {
            JsonNode id = Json.recoverId(authLine);
            return Json.line(generator -> {
                writeId(generator, id);
                writeStatus(generator, Status.OK);
            });
        }
        return Status.OK.wire() + " authenticated\n" + END + "\n";
    }

    /** The answer sent to a client that is refused before it has sent anything: always one JSON line. */
    public static String refused(String error) {
        return error(Format.JSON, null, Status.REFUSED, error);
    }

    private static String error(Format format, JsonNode id, Status status, String error) {
        if (status == Status.OK) {
            throw new IllegalArgumentException("expected an error status, found ok");
        }
        if (format == Format.JSON) {
            return Json.line(generator -> {
                writeId(generator, id);
                writeStatus(generator, status);
                generator.writeStringField(JsonField.ERROR.wire(), error);
            });
        }
        return status.wire() + ": " + Lines.oneLine(error) + "\n" + END + "\n";
    }

    private static void matched(ParsedRequest.Valid request, Result.Matched matched, ByteBuf out) {
        if (request.format() == Format.JSON && matched.warning().isEmpty() && matched.note().isEmpty()
                && hasPlainId(request)) {
            out.ensureWritable(capacity(matched, 16));
            okStart(request.id(), out);
            int first = out.writerIndex();
            matched.forEachUtf8((key, value) -> {
                if (out.writerIndex() != first) {
                    out.writeByte(',');
                }
                out.writeByte('[');
                writeTuple(out, key);
                out.writeByte(',');
                writeTuple(out, value);
                out.writeByte(']');
            });
            ByteBufUtil.writeAscii(out, "]}\n");
            return;
        }
        if (request.format() == Format.JSON) {
            ByteBufUtil.writeUtf8(out, Json.line(generator -> {
                writeId(generator, request.id());
                writeStatus(generator, Status.OK);
                generator.writeArrayFieldStart(JsonField.PAIRS.wire());
                for (Pair pair : matched.pairs()) {
                    Json.writePair(generator, pair);
                }
                generator.writeEndArray();
                if (matched.warning().isPresent()) {
                    generator.writeStringField(JsonField.WARNING.wire(), matched.warning().get());
                }
                if (matched.cutOff() != CutOff.NONE) {
                    generator.writeStringField(JsonField.CUTOFF.wire(), CutOffs.wire(matched.cutOff()));
                }
                if (matched.note().isPresent()) {
                    generator.writeStringField(JsonField.NOTE.wire(), matched.note().get());
                }
            }));
            return;
        }
        String verb = request.command() instanceof Command.Delete ? " removed" : "";
        out.ensureWritable(capacity(matched, 4));
        statusLine(matched.pairs().size(), verb, out);
        // Text forms hold only letters, digits and commas: they never need quotes.
        matched.forEachUtf8((key, value) -> {
            out.writeByte(' ').writeByte(' ').writeBytes(key).writeByte(' ').writeBytes(value).writeByte('\n');
        });
        finish(out, matched.warning(), matched.note());
    }

    private static void notUsed(ParsedRequest.Valid request, Result.NotUsed notUsed, ByteBuf out) {
        List<GivenElement> given = request.given();
        if (request.format() == Format.JSON && notUsed.positions().isEmpty() && hasPlainId(request)) {
            okStart(request.id(), out); // every pair used: the common answer
            ByteBufUtil.writeAscii(out, "]}\n");
            return;
        }
        Optional<String> note = illFormedNote(request.command(), request.format(), notUsed.positions())
                .or(() -> noPairsNote(request));
        if (request.format() == Format.JSON) {
            ByteBufUtil.writeUtf8(out, Json.line(generator -> {
                writeId(generator, request.id());
                writeStatus(generator, Status.OK);
                generator.writeArrayFieldStart(JsonField.PAIRS.wire());
                for (int position : notUsed.positions()) {
                    Json.writeGiven(generator, given.get(position));
                }
                generator.writeEndArray();
                if (note.isPresent()) {
                    generator.writeStringField(JsonField.NOTE.wire(), note.get());
                }
            }));
            return;
        }
        String verb = request.command() instanceof Command.Put ? " not added" : " not updated";
        statusLine(notUsed.positions().size(), verb, out);
        for (int position : notUsed.positions()) {
            GivenElement.Text element = (GivenElement.Text) given.get(position);
            ByteBufUtil.writeUtf8(out, "  " + TextTokens.quote(element.keyToken()) + ' '
                    + TextTokens.quote(element.valueToken()) + '\n');
        }
        finish(out, Optional.empty(), note);
    }

    /**
     * Why some of the unused elements were not used, when they are not well-formed pairs: they are answered back like
     * a PUT's present keys (docs/protocol.md), and the note tells the two apart. Empty when every unused element is
     * a well-formed pair. JSON names elements as a malformed answer does ({@code pairs[1]}, from 0), text mode counts
     * the pairs given from 1; each says what a pair is in that mode.
     */
    static Optional<String> illFormedNote(Command command, Format format, List<Integer> unused) {
        if (unused.isEmpty()) {
            return Optional.empty();
        }
        List<Optional<Pair>> pairs = command instanceof Command.Put put ? put.pairs() : ((Command.Post) command).pairs();
        List<String> named = new ArrayList<>();
        int illFormed = 0;
        for (int position : unused) {
            if (pairs.get(position).isEmpty() && illFormed++ < NOTED_ELEMENTS) {
                named.add(format == Format.JSON ? "pairs[" + position + "]" : "pair " + (position + 1));
            }
        }
        if (illFormed == 0) {
            return Optional.empty();
        }
        String last = illFormed > NOTED_ELEMENTS ? (illFormed - NOTED_ELEMENTS) + " more" : named.remove(named.size() - 1);
        String which = named.isEmpty() ? last + " is not a well-formed pair"
                : String.join(", ", named) + " and " + last + " are not well-formed pairs";
        return Optional.of(which + (format == Format.JSON
                ? ": a key and a value are each a list of one or more strings of letters and digits"
                : ": a key and a value are each one or more fields of letters and digits, joined by commas"));
    }

    /**
     * A text-mode PUT or POST of no pairs (the operator alone) is answered as an empty list, as JSON's {@code []} is,
     * but typed at a prompt it is a request whose pairs were forgotten: the note says how to give them.
     */
    static Optional<String> noPairsNote(ParsedRequest.Valid request) {
        boolean noPairs = request.command() instanceof Command.Put put ? put.pairs().isEmpty()
                : request.command() instanceof Command.Post post && post.pairs().isEmpty();
        if (request.format() != Format.TEXT || !noPairs) {
            return Optional.empty();
        }
        String operator = request.command() instanceof Command.Put ? "PUT" : "POST";
        return Optional.of("no pairs given: " + operator + " takes a key and a value for each pair, as alternating"
                + " tokens (" + operator + " user,1 alice user,2 bob,admin)");
    }

    /*
     * The commonest JSON answers are written by hand, byte for byte what the generator writes (AnswersTest checks
     * both ways): setting up a Jackson generator for a one-line answer cost more than the rest of formatting it.
     * Only where nothing needs escaping: no id or an integer id, tuple text forms (letters, digits and commas:
     * Jackson escapes none of them, and writes letters beyond ASCII as their UTF-8, as the space stores them) and no
     * warning or note.
     */

    private static boolean hasPlainId(ParsedRequest.Valid request) {
        return request.id() == null || request.id().isIntegralNumber();
    }

    /** {@code {"id":N,"status":"ok","pairs":[} */
    private static void okStart(JsonNode id, ByteBuf out) {
        out.writeByte('{');
        if (id != null) {
            ByteBufUtil.writeAscii(out, "\"" + JsonField.ID.wire() + "\":" + id.bigIntegerValue() + ',');
        }
        ByteBufUtil.writeAscii(out, OK_PAIRS);
    }

    /**
     * A tuple's text form {@code a,b} in UTF-8 as the JSON list {@code ["a","b"]} (a comma byte is never part of a
     * longer UTF-8 sequence).
     */
    private static void writeTuple(ByteBuf out, byte[] textForm) {
        out.writeByte('[').writeByte('"');
        int start = 0;
        for (int i = 0; i < textForm.length; i++) {
            if (textForm[i] == ',') {
                out.writeBytes(textForm, start, i - start).writeByte('"').writeByte(',').writeByte('"');
                start = i + 1;
            }
        }
        out.writeBytes(textForm, start, textForm.length - start).writeByte('"').writeByte(']');
    }

    /**
     * Room for an answer of these pairs, {@code perPair} bytes besides their text forms (and a quarter more for
     * the commas a JSON list turns into {@code ","}): a big answer is written in one buffer, not in a few doublings.
     */
    private static int capacity(Result.Matched matched, int perPair) {
        long estimate = 64 + matched.textBytes() * 5 / 4 + (long) perPair * matched.pairs().size();
        return (int) Math.min(estimate, Integer.MAX_VALUE - 16);
    }

    private static void statusLine(int count, String verb, ByteBuf out) {
        ByteBufUtil.writeAscii(out, Status.OK.wire() + ' ' + count + (count == 1 ? " pair" : " pairs") + verb + '\n');
    }

    private static void finish(ByteBuf out, Optional<String> warning, Optional<String> note) {
        warning.ifPresent(w -> ByteBufUtil.writeUtf8(out, "warning: " + Lines.oneLine(w) + '\n'));
        note.ifPresent(n -> ByteBufUtil.writeUtf8(out, "note: " + Lines.oneLine(n) + '\n'));
        ByteBufUtil.writeAscii(out, END + '\n');
    }

    private static void writeId(JsonGenerator generator, JsonNode id) throws IOException {
        if (id != null) {
            generator.writeFieldName(JsonField.ID.wire());
            generator.writeTree(id);
        }
    }

    private static void writeStatus(JsonGenerator generator, Status status) throws IOException {
        generator.writeStringField(JsonField.STATUS.wire(), status.wire());
    }
}
