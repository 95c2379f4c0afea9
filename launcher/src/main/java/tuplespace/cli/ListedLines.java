package tuplespace.cli;

import java.util.Iterator;
import java.util.List;

/** The REQUEST arguments of {@code tuplespace client SAP REQUEST...}, in order. */
final class ListedLines implements RequestLines {

    private final Iterator<String> lines;

    ListedLines(List<String> lines) {
        this.lines = List.copyOf(lines).iterator();
    }

    @Override
    public String next() {
        return lines.hasNext() ? lines.next() : null;
    }

    @Override
    public boolean interactive() {
        return false;
    }

    @Override
    public String unit() {
        return "request";
    }
}
