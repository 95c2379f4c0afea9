package tuplespace.codec;

/** Small helpers on request lines and on the text that goes into one line of an answer. */
final class Lines {

    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private Lines() {
    }

    /** Index of the first character after an optional byte order mark and leading spaces and tabs. */
    static int contentStart(String line) {
        int i = 0;
        if (i < line.length() && line.charAt(i) == BYTE_ORDER_MARK) {
            i++;
        }
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /** The line without its terminator ({@code \n} or {@code \r\n}) and without a leading byte order mark. */
    static String strip(String line) {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\n') {
            end--;
        }
        if (end > 0 && line.charAt(end - 1) == '\r') {
            end--;
        }
        int start = line.startsWith(String.valueOf(BYTE_ORDER_MARK)) ? 1 : 0;
        return line.substring(start, Math.max(start, end));
    }

    /** Text made safe for one line of a text-mode answer: line breaks become spaces. */
    static String oneLine(String text) {
        return text.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }
}
