package tuplespace.pattern;

/** Python's {@code repr()} of a str, as it appears inside re.error messages ("unknown group name 'x'"). */
final class PyRepr {
    private PyRepr() {
    }

    static String of(String text) {
        char quote = text.indexOf('\'') >= 0 && text.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder out = new StringBuilder().append(quote);
        text.codePoints().forEach(c -> appendEscaped(out, c, quote));
        return out.append(quote).toString();
    }

    private static void appendEscaped(StringBuilder out, int c, char quote) {
        if (c == quote || c == '\\') {
            out.append('\\').appendCodePoint(c);
        } else if (c == '\t') {
            out.append("\\t");
        } else if (c == '\n') {
            out.append("\\n");
        } else if (c == '\r') {
            out.append("\\r");
        } else if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\x%02x", c));
        } else if (c >= 0x80 && !isPrintable(c)) {
            out.append(c <= 0xff ? String.format("\\x%02x", c)
                    : c <= 0xffff ? String.format("\\u%04x", c) : String.format("\\U%08x", c));
        } else {
            out.appendCodePoint(c);
        }
    }

    // Python's str.isprintable: not in categories Cc, Cf, Cs, Co, Cn, Zl, Zp, Zs (except the ASCII space).
    private static boolean isPrintable(int c) {
        switch (Character.getType(c)) {
            case Character.CONTROL: case Character.FORMAT: case Character.SURROGATE: case Character.PRIVATE_USE:
            case Character.UNASSIGNED: case Character.LINE_SEPARATOR: case Character.PARAGRAPH_SEPARATOR:
            case Character.SPACE_SEPARATOR:
                return false;
            default:
                return true;
        }
    }
}
