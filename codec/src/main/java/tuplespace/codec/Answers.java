package tuplespace.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import tuplespace.pattern.CutOff;
import tuplespace.space.Command;
import tuplespace.space.Result;
import tuplespace.tuple.Pair;

/**
 * Formats answers (SPEC §2, docs/internals.md "Answer lines"). Every answer ends with {@code \n}; a JSON answer
 * is one line, a text answer is a status line, one line per pair (two spaces, key, space, value), an optional
 * {@code warning:} line (the answer is not the full answer), an optional {@code note:} line (advice on valid
 * patterns) and a final {@code end} line.
 */
public final class Answers {

    static final String END = "end";

    private Answers() {
    }

    /**
     * The answer to a request the space has carried out. For PUT and POST the unused elements are answered back
     * as the client gave them.
     *
     * @throws IllegalArgumentException when {@code result} is not the kind of result the command gives (a bug)
     */
    public static String format(ParsedRequest.Valid request, Result result) {
        Command command = request.command();
        if (result instanceof Result.Matched matched && (command instanceof Command.Get
                || command instanceof Command.Delete)) {
            return matched(request, matched);
        }
        if (result instanceof Result.NotUsed notUsed && (command instanceof Command.Put
                || command instanceof Command.Post)) {
            return notUsed(request, notUsed);
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

    private static String matched(ParsedRequest.Valid request, Result.Matched matched) {
        if (request.format() == Format.JSON && matched.warning().isEmpty() && matched.note().isEmpty()
                && hasPlainId(request)) {
            StringBuilder json = okStart(request.id(), capacity(matched, 16));
            int first = json.length();
            matched.forEachText((key, value) -> {
                json.append(json.length() == first ? "[" : ",[");
                appendTuple(json, key);
                json.append(',');
                appendTuple(json, value);
                json.append(']');
            });
            return json.append("]}\n").toString();
        }
        if (request.format() == Format.JSON) {
            return Json.line(generator -> {
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
            });
        }
        String verb = request.command() instanceof Command.Delete ? " removed" : "";
        StringBuilder text = statusLine(matched.pairs().size(), verb, capacity(matched, 4));
        // Text forms hold only letters, digits and commas: they never need quotes.
        matched.forEachText((key, value) -> text.append("  ").append(key).append(' ').append(value).append('\n'));
        return finish(text, matched.warning(), matched.note());
    }

    private static String notUsed(ParsedRequest.Valid request, Result.NotUsed notUsed) {
        List<GivenElement> given = request.given();
        if (request.format() == Format.JSON && notUsed.positions().isEmpty() && hasPlainId(request)) {
            return okStart(request.id(), 0).append("]}\n").toString(); // every pair used: the common answer
        }
        if (request.format() == Format.JSON) {
            return Json.line(generator -> {
                writeId(generator, request.id());
                writeStatus(generator, Status.OK);
                generator.writeArrayFieldStart(JsonField.PAIRS.wire());
                for (int position : notUsed.positions()) {
                    generator.writeTree(((GivenElement.Json) given.get(position)).element());
                }
                generator.writeEndArray();
            });
        }
        String verb = request.command() instanceof Command.Put ? " not added" : " not updated";
        StringBuilder text = statusLine(notUsed.positions().size(), verb);
        for (int position : notUsed.positions()) {
            GivenElement.Text element = (GivenElement.Text) given.get(position);
            text.append("  ").append(TextTokens.quote(element.keyToken())).append(' ')
                    .append(TextTokens.quote(element.valueToken())).append('\n');
        }
        return finish(text, Optional.empty(), Optional.empty());
    }

    /*
     * The commonest JSON answers are written by hand, byte for byte what the generator writes (AnswersTest checks
     * both ways): setting up a Jackson generator for a one-line answer cost more than the rest of formatting it.
     * Only where nothing needs escaping: no id or an integer id, tuple text forms (letters, digits and commas:
     * Jackson escapes none of them) and no warning or note.
     */

    private static boolean hasPlainId(ParsedRequest.Valid request) {
        return request.id() == null || request.id().isIntegralNumber();
    }

    /** {@code {"id":N,"status":"ok","pairs":[} */
    private static StringBuilder okStart(JsonNode id, int pairsLength) {
        StringBuilder json = new StringBuilder(48 + pairsLength).append('{');
        if (id != null) {
            json.append('"').append(JsonField.ID.wire()).append("\":").append(id.bigIntegerValue()).append(',');
        }
        return json.append('"').append(JsonField.STATUS.wire()).append("\":\"").append(Status.OK.wire())
                .append("\",\"").append(JsonField.PAIRS.wire()).append("\":[");
    }

    /** A tuple's text form {@code a,b} as the JSON list {@code ["a","b"]}. */
    private static void appendTuple(StringBuilder json, String textForm) {
        json.append("[\"");
        for (int i = 0; i < textForm.length(); i++) {
            char c = textForm.charAt(i);
            if (c == ',') {
                json.append("\",\"");
            } else {
                json.append(c);
            }
        }
        json.append("\"]");
    }

    /**
     * Room for an answer of these pairs, {@code perPair} characters besides their text forms (and a quarter more for
     * the commas a JSON list turns into {@code ","}): a big answer is built in one buffer, not in a few doublings.
     */
    private static int capacity(Result.Matched matched, int perPair) {
        long estimate = 64 + matched.textBytes() * 5 / 4 + (long) perPair * matched.pairs().size();
        return (int) Math.min(estimate, Integer.MAX_VALUE - 16);
    }

    private static StringBuilder statusLine(int count, String verb) {
        return statusLine(count, verb, 16);
    }

    private static StringBuilder statusLine(int count, String verb, int capacity) {
        return new StringBuilder(capacity).append(Status.OK.wire()).append(' ').append(count)
                .append(count == 1 ? " pair" : " pairs").append(verb).append('\n');
    }

    private static String finish(StringBuilder text, Optional<String> warning, Optional<String> note) {
        warning.ifPresent(w -> text.append("warning: ").append(Lines.oneLine(w)).append('\n'));
        note.ifPresent(n -> text.append("note: ").append(Lines.oneLine(n)).append('\n'));
        return text.append(END).append('\n').toString();
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
