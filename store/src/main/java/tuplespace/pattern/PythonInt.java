package tuplespace.pattern;

import java.math.BigInteger;

/** Python's {@code int(text)} for the group number of a conditional: blanks, sign, underscores, any Nd digits. */
final class PythonInt {
    private PythonInt() {
    }

    /** The value, or null where Python's int() raises ValueError. */
    static BigInteger parse(String text) {
        String s = text.strip();
        boolean negative = false;
        if (s.startsWith("+") || s.startsWith("-")) {
            negative = s.startsWith("-");
            s = s.substring(1);
        }
        if (s.isEmpty() || s.startsWith("_") || s.endsWith("_") || s.contains("__")) {
            return null;
        }
        StringBuilder digits = new StringBuilder();
        for (int c : s.codePoints().toArray()) {
            if (c == '_') {
                continue;
            }
            if (Character.getType(c) != Character.DECIMAL_DIGIT_NUMBER) {
                return null;
            }
            digits.append(Character.digit(c, 10));
        }
        BigInteger value = new BigInteger(digits.toString());
        return negative ? value.negate() : value;
    }
}
