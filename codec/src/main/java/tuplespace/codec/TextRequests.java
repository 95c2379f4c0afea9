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

    /** How many arguments, and how many characters of each, an error about their number shows. */
    private static final int ARGUMENTS_SHOWN = 4;
    private static final int ARGUMENT_CHARS_SHOWN = 40;

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
                    + Lines.count(arguments.size(), "argument") + shown(arguments));
        }
        Command command = operator == Operator.GET
                ? new Command.Get(arguments.get(0), arguments.get(1))
                : new Command.Delete(arguments.get(0), arguments.get(1));
        return new ParsedRequest.Valid(command, Format.TEXT, null, List.of());
    }

    /**
     * The first {@link #ARGUMENTS_SHOWN} arguments as a text line writes them ({@code : a "b c"}; empty for none), so
     * that the count can be checked against the line: a control character is spelled out ({@code \x0d}) with a note
     * that only spaces and tabs separate tokens (a carriage return alone inside a line joins its neighbours).
     */
    private static String shown(List<String> arguments) {
        if (arguments.isEmpty()) {
            return "";
        }
        StringBuilder shown = new StringBuilder(":");
        for (String argument : arguments.subList(0, Math.min(arguments.size(), ARGUMENTS_SHOWN))) {
            String cut = argument.length() <= ARGUMENT_CHARS_SHOWN ? argument
                    : argument.substring(0, ARGUMENT_CHARS_SHOWN) + "...";
            shown.append(' ').append(TextTokens.quote(cut));
        }
        if (arguments.size() > ARGUMENTS_SHOWN) {
            shown.append(" ...");
        }
        if (arguments.stream().anyMatch(argument -> argument.chars().anyMatch(Lines::spelledOut))) {
            shown.append(" (a control character is part of a token: only spaces and tabs separate tokens)");
        }
        return shown.toString();
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
