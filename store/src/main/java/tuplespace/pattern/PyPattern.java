package tuplespace.pattern;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** A compiled pattern, full-match mode. (Interim version on java.util.regex: the full engine replaces it.) */
public final class PyPattern {
    private final String source;
    private final Pattern pattern;

    private PyPattern(String source, Pattern pattern) {
        this.source = source;
        this.pattern = pattern;
    }

    public static PyPattern compile(String source) throws PatternException {
        try {
            return new PyPattern(source, Pattern.compile(source, Pattern.UNICODE_CHARACTER_CLASS | Pattern.UNIX_LINES));
        } catch (PatternSyntaxException e) {
            throw new PatternException(PatternException.Kind.INVALID, e.getDescription());
        }
    }

    public String source() {
        return source;
    }

    public boolean fullMatches(CharSequence subject, MatchBudget budget) {
        if (budget.exhausted()) {
            throw new MatchBudgetExceededException("pattern matching exceeded its time budget");
        }
        return pattern.matcher(subject).matches();
    }

    public Optional<String> literal() {
        return Optional.empty();
    }

    public String literalPrefix() {
        return "";
    }

    public List<String> warnings() {
        return List.of();
    }
}
