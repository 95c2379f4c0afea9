package tuplespace.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import tuplespace.codec.AnswerDecoder;
import tuplespace.codec.AnswerElement;
import tuplespace.codec.Lines;
import tuplespace.codec.MalformedAnswerException;
import tuplespace.codec.Operator;
import tuplespace.codec.ParsedAnswer;
import tuplespace.codec.Status;

/**
 * Writes answers for a person: a summary in words, the pairs as a KEY/VALUE table, the warning (the answer is not the
 * full answer) and the note (advice on valid patterns, or which elements were not well-formed pairs), or the error
 * after its status.
 *
 * <p>A GET may answer a million pairs, so the table is written row by row as the answer is read, never built whole
 * first: the key column is as wide as the widest key of the first {@value #WIDTH_SAMPLE} rows, and a longer key further
 * down pushes its value to the right.
 */
public final class AnswerPrinter {

    /** Rows whose keys set the width of the key column. */
    static final int WIDTH_SAMPLE = 1_000;

    private AnswerPrinter() {
    }

    /**
     * A JSON answer to a request with {@code operator} ({@code null} when the request was not understood) that gave
     * {@code sent} pairs (PUT/POST) — so the summary can say "1 of 3 not added" — written to {@code out} as it is read.
     *
     * @throws MalformedAnswerException when the answer is not a JSON answer (nothing was written then)
     */
    public static void print(String jsonAnswer, Operator operator, int sent, PrintWriter out) {
        AnswerDecoder.Header header = AnswerDecoder.header(jsonAnswer);
        ParsedAnswer answer = header.answer();
        if (answer.status() != Status.OK) {
            out.print(error(answer.status(), answer.error().orElse("(no error message)")));
            return;
        }
        out.println(summary(operator, header.pairCount(), sent));
        if (header.pairCount() > 0) {
            Table table = new Table(out);
            AnswerDecoder.decode(jsonAnswer, table::add);
            table.finish();
        }
        answer.warning().ifPresent(warning -> out.println("warning: " + warning));
        answer.note().ifPresent(note -> out.println("note: " + note));
    }

    /** {@link #print} into a string. */
    public static String readable(String jsonAnswer, Operator operator, int sent) {
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            print(jsonAnswer, operator, sent, out);
        }
        return text.toString();
    }

    /** A text-mode answer from the service, shown as it came without its {@code end} line. */
    public static String readableText(String textAnswer) {
        String withoutEnd = textAnswer.endsWith("end\n") ? textAnswer.substring(0, textAnswer.length() - 4) : textAnswer;
        return withoutEnd.replace("not_implemented:", "not implemented:");
    }

    /** An error status and its message in words: {@code malformed: expected ..., found ...}. */
    public static String error(Status status, String error) {
        String word = status == Status.NOT_IMPLEMENTED ? "not implemented" : status.wire();
        return word + ": " + error + '\n';
    }

    static String summary(Operator operator, int count, int sent) {
        if (operator == null) {
            return "ok: " + pairs(count);
        }
        switch (operator) {
            case GET:
                return "ok: " + pairs(count) + " found";
            case DELETE:
                return "ok: " + pairs(count) + " deleted";
            case PUT:
                return count == 0 ? "ok: " + (sent == 1 ? "the pair was" : "all " + sent + " pairs were") + " added"
                        : "ok: " + count + " of " + pairs(sent) + " not added (key already present, or not a well-formed pair):";
            default:
                return count == 0 ? "ok: " + (sent == 1 ? "the pair was" : "all " + sent + " pairs were") + " updated"
                        : "ok: " + count + " of " + pairs(sent) + " not updated (key absent, or not a well-formed pair):";
        }
    }

    /** Two columns, KEY and VALUE, indented by two spaces, written as the rows come (see the class comment). */
    private static final class Table {
        private final PrintWriter out;
        private final List<String[]> sample = new ArrayList<>();
        private int width = -1;

        Table(PrintWriter out) {
            this.out = out;
            sample.add(new String[] {"KEY", "VALUE"});
        }

        void add(AnswerElement element) {
            String[] row = element.pair().map(pair -> new String[] {pair.key().text(), pair.value().text()})
                    .orElseGet(() -> new String[] {element.jsonText(), "(not a well-formed pair)"});
            if (width >= 0) {
                write(row);
                return;
            }
            sample.add(row);
            if (sample.size() > WIDTH_SAMPLE) {
                finish();
            }
        }

        /** Writes the rows held back to measure the key column (all of them, for an answer of fewer rows). */
        void finish() {
            if (width >= 0) {
                return;
            }
            width = sample.stream().mapToInt(row -> columns(row[0])).max().orElse(0);
            sample.forEach(this::write);
            sample.clear();
        }

        private void write(String[] row) {
            int pad = Math.max(0, width - columns(row[0]));
            out.append("  ").append(row[0]).append(" ".repeat(pad + 3)).append(row[1]).append('\n');
        }

        /**
         * How many terminal columns {@code text} takes: two for an East Asian wide or fullwidth character (CJK, Hangul,
         * fullwidth forms: the ranges wcwidth gives two), none for a combining mark or a format character, else one.
         */
        private static int columns(String text) {
            return text.codePoints().map(Table::columns).sum();
        }

        private static int columns(int c) {
            int type = Character.getType(c);
            if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT) {
                return 0;
            }
            boolean wide = c >= 0x1100 && c <= 0x115F || c >= 0x2E80 && c <= 0xA4CF && c != 0x303F
                    || c >= 0xAC00 && c <= 0xD7A3 || c >= 0xF900 && c <= 0xFAFF || c >= 0xFE30 && c <= 0xFE4F
                    || c >= 0xFF00 && c <= 0xFF60 || c >= 0xFFE0 && c <= 0xFFE6 || c >= 0x20000 && c <= 0x3FFFD;
            return wide ? 2 : 1;
        }
    }

    private static String pairs(int count) {
        return Lines.count(count, "pair");
    }
}
