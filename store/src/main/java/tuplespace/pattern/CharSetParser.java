package tuplespace.pattern;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import tuplespace.pattern.PatternNode.SetItem;

/**
 * A {@code [...]} set, after the set branch of CPython's {@code _parse}. Python reads {@code [}, {@code &&},
 * {@code --} inside a set as literal characters, and a leading {@code ]} as a member; the translator escapes every
 * such character, so Java's nested-class and intersection syntax never applies. Where Python 3.11 only warns
 * (a FutureWarning: a future version may read them as set operations) the pattern is valid, and the warning
 * becomes a note with Python's text.
 */
final class CharSetParser {
    private final PatternSource source;
    private final ParseState state;
    private final EscapeParser escapes;

    CharSetParser(PatternSource source, ParseState state, EscapeParser escapes) {
        this.source = source;
        this.state = state;
        this.escapes = escapes;
    }

    /** Parses the set whose {@code [} was just consumed. */
    PatternNode parse(Flags flags) throws PatternException {
        int here = source.tell() - 1;
        if ("[".equals(source.peek())) {
            state.addNote("Possible nested set at position " + source.tell());
        }
        boolean negated = source.match("^");
        List<SetItem> items = new ArrayList<>();
        while (true) {
            String token = source.get();
            if (token == null) {
                throw source.error("unterminated character set", source.tell() - here);
            }
            if (token.equals("]") && !items.isEmpty()) {
                break;
            }
            SetItem first = member(token, !items.isEmpty());
            if (!source.match("-")) {
                items.add(first);
                continue;
            }
            String that = source.get();
            if (that == null) {
                throw source.error("unterminated character set", source.tell() - here);
            }
            if (that.equals("]")) {
                items.add(first);
                items.add(new SetItem.Char('-'));
                break;
            }
            items.add(range(token, first, that));
        }
        return simplified(negated, List.copyOf(new LinkedHashSet<>(items)), flags);
    }

    private SetItem member(String token, boolean afterFirst) throws PatternException {
        if (token.startsWith("\\")) {
            return escapes.classEscape(token);
        }
        if (afterFirst && token.length() == 1 && "-&~|".contains(token) && token.equals(source.peek())) {
            state.addNote("Possible set " + operationName(token) + " at position " + (source.tell() - 1));
        }
        return new SetItem.Char(token.codePointAt(0));
    }

    private SetItem range(String thisToken, SetItem first, String that) throws PatternException {
        SetItem last;
        if (that.startsWith("\\")) {
            last = escapes.classEscape(that);
        } else {
            if (that.equals("-")) {
                state.addNote("Possible set difference at position " + (source.tell() - 2));
            }
            last = new SetItem.Char(that.codePointAt(0));
        }
        String message = "bad character range " + thisToken + "-" + that;
        int offset = PatternSource.length(thisToken) + 1 + PatternSource.length(that);
        if (!(first instanceof SetItem.Char) || !(last instanceof SetItem.Char)) {
            throw source.error(message, offset);
        }
        int low = ((SetItem.Char) first).codePoint();
        int high = ((SetItem.Char) last).codePoint();
        if (high < low) {
            throw source.error(message, offset);
        }
        return new SetItem.Range(low, high);
    }

    // Python turns a one-character set into LITERAL (or NOT_LITERAL when negated).
    private static PatternNode simplified(boolean negated, List<SetItem> items, Flags flags) {
        if (!negated && items.size() == 1 && items.get(0) instanceof SetItem.Char) {
            return new PatternNode.Literal(((SetItem.Char) items.get(0)).codePoint(), flags);
        }
        return new PatternNode.CharSet(negated, items, flags);
    }

    private static String operationName(String token) {
        switch (token) {
            case "-": return "difference";
            case "&": return "intersection";
            case "~": return "symmetric difference";
            default: return "union";
        }
    }
}
