package tuplespace.cli;

import java.util.ArrayList;
import java.util.List;
import tuplespace.codec.AnswerElement;
import tuplespace.codec.Operator;
import tuplespace.codec.ParsedAnswer;
import tuplespace.codec.Status;
import tuplespace.tuple.Pair;

/**
 * Writes answers for a person: a summary in words, the pairs as an aligned KEY/VALUE table, the warning (the answer
 * is not the full answer) and the note (advice on valid patterns), or the error after its status. Pure: text in,
 * text out.
 */
public final class AnswerPrinter {

    private AnswerPrinter() {
    }

    /**
     * A decoded JSON answer to a request with {@code operator} ({@code null} when the request was not understood)
     * that gave {@code sent} pairs (PUT/POST) — so the summary can say "1 of 3 not added".
     */
    public static String readable(ParsedAnswer answer, Operator operator, int sent) {
        if (answer.status() != Status.OK) {
            return error(answer.status(), answer.error().orElse("(no error message)"));
        }
        StringBuilder text = new StringBuilder(summary(operator, answer.pairs().size(), sent)).append('\n');
        text.append(table(answer.pairs()));
        answer.warning().ifPresent(warning -> text.append("warning: ").append(warning).append('\n'));
        answer.note().ifPresent(note -> text.append("note: ").append(note).append('\n'));
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

    /** Two aligned columns, KEY and VALUE, indented by two spaces; nothing when there are no pairs. */
    static String table(List<AnswerElement> elements) {
        if (elements.isEmpty()) {
            return "";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"KEY", "VALUE"});
        for (AnswerElement element : elements) {
            rows.add(element.pair().map(AnswerPrinter::row)
                    .orElseGet(() -> new String[] {element.json().toString(), "(not a well-formed pair)"}));
        }
        int width = rows.stream().mapToInt(row -> row[0].codePointCount(0, row[0].length())).max().orElse(0);
        StringBuilder text = new StringBuilder();
        for (String[] row : rows) {
            int pad = width - row[0].codePointCount(0, row[0].length());
            text.append("  ").append(row[0]).append(" ".repeat(pad + 3)).append(row[1]).append('\n');
        }
        return text.toString();
    }

    private static String[] row(Pair pair) {
        return new String[] {pair.key().text(), pair.value().text()};
    }

    private static String pairs(int count) {
        return count + (count == 1 ? " pair" : " pairs");
    }
}
