package tuplespace.codec;

import java.util.List;
import tuplespace.space.Command;
import tuplespace.tuple.Pair;

/**
 * Encodes requests as JSON-mode lines (docs/protocol.md "JSON mode") for the client library. Every line carries the
 * caller's {@code id}, ends with {@code \n}, and is read back by {@link Requests#parse} as the same command.
 */
public final class ClientRequests {

    private ClientRequests() {
    }

    public static String get(long id, String keyexp, String valexp) {
        return patterns(id, Operator.GET, keyexp, valexp);
    }

    public static String delete(long id, String keyexp, String valexp) {
        return patterns(id, Operator.DELETE, keyexp, valexp);
    }

    public static String put(long id, List<Pair> pairs) {
        return pairs(id, Operator.PUT, pairs);
    }

    public static String post(long id, List<Pair> pairs) {
        return pairs(id, Operator.POST, pairs);
    }

    /**
     * Re-encodes a parsed request of either mode (e.g. a line a person typed at the CLI) as a JSON line with this
     * id. PUT/POST elements go as given: a JSON element unchanged, a text token as the list of its
     * comma-separated parts (so {@code user,,1} becomes {@code ["user","","1"]}, which the server answers back as
     * not used, exactly as it would have in text mode).
     */
    public static String encode(ParsedRequest.Valid request, long id) {
        Command command = request.command();
        if (command instanceof Command.Get get) {
            return get(id, get.keyexp(), get.valexp());
        }
        if (command instanceof Command.Delete delete) {
            return delete(id, delete.keyexp(), delete.valexp());
        }
        Operator operator = command instanceof Command.Put ? Operator.PUT : Operator.POST;
        return Json.line(generator -> {
            generator.writeNumberField(JsonField.ID.wire(), id);
            generator.writeStringField(JsonField.OP.wire(), operator.wire());
            generator.writeArrayFieldStart(JsonField.PAIRS.wire());
            for (GivenElement element : request.given()) {
                Json.writeGiven(generator, element);
            }
            generator.writeEndArray();
        });
    }

    private static String patterns(long id, Operator operator, String keyexp, String valexp) {
        return Json.line(generator -> {
            generator.writeNumberField(JsonField.ID.wire(), id);
            generator.writeStringField(JsonField.OP.wire(), operator.wire());
            generator.writeStringField(JsonField.KEY.wire(), keyexp);
            generator.writeStringField(JsonField.VALUE.wire(), valexp);
        });
    }

    private static String pairs(long id, Operator operator, List<Pair> pairs) {
        return Json.line(generator -> {
            generator.writeNumberField(JsonField.ID.wire(), id);
            generator.writeStringField(JsonField.OP.wire(), operator.wire());
            generator.writeArrayFieldStart(JsonField.PAIRS.wire());
            for (Pair pair : pairs) {
                Json.writePair(generator, pair);
            }
            generator.writeEndArray();
        });
    }
}
