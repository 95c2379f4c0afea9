package tuplespace.pattern;

import java.util.List;

import tuplespace.pattern.PatternNode.AnchorKind;
import tuplespace.pattern.PatternNode.Category;
import tuplespace.pattern.PatternNode.SetItem;

/**
 * Backslash escapes, after CPython's {@code _escape} (in a pattern) and {@code _class_escape} (inside a set).
 * Python accepts only a whitelist of letter escapes; everything else with an ASCII letter is "bad escape"
 * (docs/python-regex.md §1: Java's {@code \e \h \Q \p \z \G ...} must be refused). Octal and numeric escapes
 * are decoded here, so java.util.regex never sees an ambiguous {@code \141}.
 */
final class EscapeParser {
    private final PatternSource source;
    private final ParseState state;

    EscapeParser(PatternSource source, ParseState state) {
        this.source = source;
        this.state = state;
    }

    /** An escape outside a set: a literal, a category, an anchor or a backreference. */
    PatternNode escape(String escape, Flags flags) throws PatternException {
        char c = escape.charAt(1);
        switch (c) {
            case 'A': return new PatternNode.Anchor(AnchorKind.BEGINNING_STRING, flags);
            case 'Z': return new PatternNode.Anchor(AnchorKind.END_STRING, flags);
            case 'b': return new PatternNode.Anchor(AnchorKind.BOUNDARY, flags);
            case 'B': return new PatternNode.Anchor(AnchorKind.NON_BOUNDARY, flags);
            default: break;
        }
        Category category = category(c);
        if (category != null) {
            return new PatternNode.CharSet(false, List.of(new SetItem.Class(category)), flags);
        }
        Integer simple = simpleEscape(c);
        if (simple != null) {
            return new PatternNode.Literal(simple, flags);
        }
        Integer coded = codedEscape(escape);
        if (coded != null) {
            return new PatternNode.Literal(coded, flags);
        }
        if (c == '0') {
            String octal = escape + source.getWhile(2, EscapeParser::isOctal);
            return new PatternNode.Literal(Integer.parseInt(octal.substring(1), 8), flags);
        }
        if (isDigit(c)) {
            return octalOrBackreference(escape, flags);
        }
        return literalEscape(escape, flags);
    }

    /** An escape inside a set: a character or a category; anchors and backreferences are errors there. */
    SetItem classEscape(String escape) throws PatternException {
        char c = escape.charAt(1);
        Integer simple = simpleEscape(c);
        if (simple != null) {
            return new SetItem.Char(simple);
        }
        Category category = category(c);
        if (category != null) {
            return new SetItem.Class(category);
        }
        Integer coded = codedEscape(escape);
        if (coded != null) {
            return new SetItem.Char(coded);
        }
        if (isOctal(c)) {
            String octal = escape + source.getWhile(2, EscapeParser::isOctal);
            return new SetItem.Char(checkedOctal(octal));
        }
        if (PatternSource.length(escape) == 2 && !isDigit(c) && !isAsciiLetter(escape.codePointAt(1))) {
            return new SetItem.Char(escape.codePointAt(1));
        }
        throw source.error("bad escape " + escape, PatternSource.length(escape));
    }

    private PatternNode octalOrBackreference(String escape, Flags flags) throws PatternException {
        String digits = escape;
        if (nextIs(EscapeParser::isDigitCodePoint)) {
            digits += source.get();
            if (isOctal(digits.charAt(1)) && isOctal(digits.charAt(2)) && nextIs(EscapeParser::isOctal)) {
                digits += source.get();
                return new PatternNode.Literal(checkedOctal(digits), flags);
            }
        }
        int group = Integer.parseInt(digits.substring(1));
        if (group >= state.groups()) {
            throw source.error("invalid group reference " + group, digits.length() - 1);
        }
        if (!state.isClosed(group)) {
            throw source.error("cannot refer to an open group", digits.length());
        }
        state.checkLookbehindReference(group, source);
        return new PatternNode.Backref(group, state.widthOf(group), flags);
    }

    private PatternNode literalEscape(String escape, Flags flags) throws PatternException {
        if (PatternSource.length(escape) == 2 && !isAsciiLetter(escape.codePointAt(1))) {
            return new PatternNode.Literal(escape.codePointAt(1), flags);
        }
        throw source.error("bad escape " + escape, PatternSource.length(escape));
    }

    /** {@code \x}, backslash-u, {@code \U}, {@code \N{...}}, common to both contexts; null when the escape is none of these. */
    private Integer codedEscape(String escape) throws PatternException {
        switch (escape.charAt(1)) {
            case 'x': return hexEscape(escape, 2);
            case 'u': return hexEscape(escape, 4);
            case 'U': return hexEscape(escape, 8);
            case 'N': return namedEscape();
            default: return null;
        }
    }

    private int hexEscape(String escape, int digits) throws PatternException {
        String full = escape + source.getWhile(digits, EscapeParser::isHex);
        if (full.length() != digits + 2) {
            throw source.error("incomplete escape " + full, full.length());
        }
        long value = Long.parseLong(full.substring(2), 16);
        if (value > Character.MAX_CODE_POINT) {
            // Python: chr() raises ValueError, reported as a bad escape.
            throw source.error("bad escape " + full, full.length());
        }
        return (int) value;
    }

    private int namedEscape() throws PatternException {
        if (!source.match("{")) {
            throw source.error("missing {", 0);
        }
        String name = source.getUntil("}", "character name");
        int codePoint = -1;
        // Java also strips surrounding blanks and accepts block-name forms; Python's unicodedata.lookup does not.
        if (name.strip().equals(name) && name.codePoints().allMatch(ch -> ch < 0x80)) {
            try {
                codePoint = Character.codePointOf(name);
            } catch (IllegalArgumentException unknown) {
                codePoint = -1;
            }
        }
        if (codePoint < 0) {
            throw source.error("undefined character name " + PyRepr.of(name), PatternSource.length(name) + 4);
        }
        return codePoint;
    }

    private int checkedOctal(String escape) throws PatternException {
        int value = Integer.parseInt(escape.substring(1), 8);
        if (value > 0377) {
            throw source.error("octal escape value " + escape + " outside of range 0-0o377", escape.length());
        }
        return value;
    }

    private boolean nextIs(java.util.function.IntPredicate accepted) {
        String next = source.peek();
        return PatternSource.isSingle(next) && accepted.test(next.codePointAt(0));
    }

    private static Integer simpleEscape(char c) {
        switch (c) {
            case 'a': return 0x07;
            case 'b': return 0x08;
            case 'f': return 0x0c;
            case 'n': return 0x0a;
            case 'r': return 0x0d;
            case 't': return 0x09;
            case 'v': return 0x0b;
            case '\\': return 0x5c;
            default: return null;
        }
    }

    private static Category category(char c) {
        switch (c) {
            case 'd': return Category.DIGIT;
            case 'D': return Category.NOT_DIGIT;
            case 's': return Category.SPACE;
            case 'S': return Category.NOT_SPACE;
            case 'w': return Category.WORD;
            case 'W': return Category.NOT_WORD;
            default: return null;
        }
    }

    static boolean isOctal(int c) {
        return c >= '0' && c <= '7';
    }

    static boolean isDigitCodePoint(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isDigit(char c) {
        return isDigitCodePoint(c);
    }

    private static boolean isHex(int c) {
        return isDigitCodePoint(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    static boolean isAsciiLetter(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
