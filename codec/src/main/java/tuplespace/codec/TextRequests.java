package tuplespace.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tuplespace.space.Command;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/**
 * Text-mode request lines (docs/protocol.md "Text mode"), typed by a person: {@code GET user,.* .*},
 * {@code PUT user,1 alice user,2 bob}. Tokens as {@link TextTokens} splits them; tuples in their text form.
 */
final class TextRequests {

    private TextRequests() {
    }

    static ParsedRequest parse(String line) {
        List<String> tokens;
        try {
            tokens = TextTokens.split(line);
        } catch (TextTokens.TokenException e) {
            return malformed(e.getMessage());
        }
        if (tokens.isEmpty()) {
            return malformed("expected an operator (" + Operator.EXPECTED + ") followed by its arguments, "
                    + "found an empty line");
        }
        String name = tokens.get(0);
        Optional<Operator> operator = Operator.parse(name);
        if (operator.isEmpty()) {
            return new ParsedRequest.Invalid(Status.NOT_IMPLEMENTED, Operator.notImplemented(name), Format.TEXT, null);
        }
        List<String> arguments = tokens.subList(1, tokens.size());
        return switch (operator.get()) {
            case GET, DELETE -> patterns(operator.get(), arguments);
            case PUT, POST -> pairs(operator.get(), arguments);
        };
    }

    private static ParsedRequest patterns(Operator operator, List<String> arguments) {
        if (arguments.size() != 2) {
            return malformed("expected " + operator.wire() + " keyexp valexp (two patterns), found "
                    + Lines.count(arguments.size(), "argument"));
        }
        Command command = operator == Operator.GET
                ? new Command.Get(arguments.get(0), arguments.get(1))
                : new Command.Delete(arguments.get(0), arguments.get(1));
        return new ParsedRequest.Valid(command, Format.TEXT, null, List.of());
    }

    private static ParsedRequest pairs(Operator operator, List<String> arguments) {
        if (arguments.size() % 2 != 0) {
            // docs/protocol.md "The data": an element that is not a two-element [key, value] makes the whole list
            // malformed.
            return malformed("expected " + operator.wire() + " key value [key value ...] (pairs as alternating key "
                    + "and value tuples), found " + Lines.count(arguments.size(), "token")
                    + ": the last key \"" + Lines.oneLine(arguments.get(arguments.size() - 1)) + "\" has no value");
        }
        List<Optional<Pair>> slots = new ArrayList<>(arguments.size() / 2);
        List<GivenElement> given = new ArrayList<>(arguments.size() / 2);
        for (int i = 0; i < arguments.size(); i += 2) {
            String key = arguments.get(i);
            String value = arguments.get(i + 1);
            slots.add(pair(key, value));
            given.add(new GivenElement.Text(key, value));
        }
        Command command = operator == Operator.PUT ? new Command.Put(slots) : new Command.Post(slots);
        return new ParsedRequest.Valid(command, Format.TEXT, null, given);
    }

    /**
     * The pair two tokens spell, or an empty slot when either is not a tuple's text form (docs/protocol.md "The data").
     */
    private static Optional<Pair> pair(String key, String value) {
        Optional<Tuple> keyTuple = tuple(key);
        Optional<Tuple> valueTuple = tuple(value);
        return keyTuple.isPresent() && valueTuple.isPresent()
                ? Optional.of(new Pair(keyTuple.get(), valueTuple.get())) : Optional.empty();
    }

    static Optional<Tuple> tuple(String textForm) {
        List<String> fields = List.of(textForm.split(",", -1));
        return Tuple.problemWith(fields).isPresent() ? Optional.empty() : Optional.of(new Tuple(fields));
    }

    private static ParsedRequest.Invalid malformed(String error) {
        return new ParsedRequest.Invalid(Status.MALFORMED, error, Format.TEXT, null);
    }
}
