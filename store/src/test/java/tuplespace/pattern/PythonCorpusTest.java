package tuplespace.pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The differential test: every (pattern, subject) in corpus.jsonl was run through CPython 3.11's
 * re.fullmatch by store/tools/gen_pattern_corpus.py, and our engine must agree: a Python error is an INVALID
 * refusal with Python's message and position, a Python match is a match, and what Python only warns about
 * (FutureWarning: the pattern is valid) is accepted, matched and carried as notes in Python's words. The only
 * exceptions are the cases in unsupported-allowlist.jsonl, each with its reason, which must stay a small minority.
 */
class PythonCorpusTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Case(int id, String pattern, String subject, String outcome, String message, Integer position,
                List<String> warnings) {
        @Override
        public String toString() {
            return "#" + id + " " + JsonText.quote(pattern) + " on " + JsonText.quote(subject) + " -> " + outcome;
        }
    }

    static Stream<Case> corpus() {
        return readLines("/pattern/corpus.jsonl").stream().map(PythonCorpusTest::toCase);
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void agreesWithPython(Case c) {
        String reason = allowList().get(key(c.pattern(), c.subject()));
        String disagreement = disagreement(c);
        if (reason != null) {
            // An allow-listed case must still be one we refuse or get wrong; otherwise the entry is stale.
            assertThat(disagreement).as("allow-listed (%s) but now agrees: remove the entry", reason).isNotNull();
            return;
        }
        if (disagreement != null) {
            fail(disagreement);
        }
    }

    @Test
    void patternsPythonOnlyWarnsAboutAreNeverAllowListed() {
        // A FutureWarning is advice on a valid pattern (docs/protocol.md): it must be evaluated, so none may hide
        // behind the allow-list; the corpus keeps a good number of them.
        List<Case> warned = corpus().filter(c -> !c.warnings().isEmpty() && !c.outcome().equals("error")).toList();
        assertThat(warned).hasSizeGreaterThanOrEqualTo(30);
        assertThat(warned).noneMatch(c -> allowList().containsKey(key(c.pattern(), c.subject())));
    }

    @Test
    void allowListStaysASmallMinority() {
        int total = (int) corpus().count();
        assertThat(total).isGreaterThanOrEqualTo(500);
        assertThat(allowList().size()).isLessThan(total * 3 / 100);
    }

    /** Null when we agree with Python on this case, else what differs. */
    static String disagreement(Case c) {
        PyPattern pattern;
        try {
            pattern = PyPattern.compile(c.pattern());
        } catch (PatternException e) {
            if (!c.outcome().equals("error")) {
                return "Python compiles it, we refuse: " + e.kind() + " " + e.getMessage();
            }
            if (e.kind() != PatternException.Kind.INVALID) {
                return "Python refuses it (" + c.message() + "), we say " + e.kind();
            }
            int expectedPosition = c.position() == null ? -1 : c.position();
            if (!e.reason().equals(c.message()) || e.position() != expectedPosition) {
                return "error differs: Python '" + c.message() + "' at " + c.position()
                        + ", we '" + e.reason() + "' at " + e.position();
            }
            return null;
        }
        if (c.outcome().equals("error")) {
            return "Python refuses it (" + c.message() + " at " + c.position() + "), we compile it to "
                    + pattern.javaSource();
        }
        boolean matches = pattern.fullMatches(c.subject(), MatchBudget.unlimited());
        if (matches != c.outcome().equals("match")) {
            return "Python says " + c.outcome() + ", we say " + (matches ? "match" : "nomatch")
                    + " (Java: " + pattern.javaSource() + ")";
        }
        if (!pattern.notes().equals(c.warnings())) {
            return "notes differ: Python warns " + c.warnings() + ", we note " + pattern.notes();
        }
        return null;
    }

    private static Map<String, String> allowListCache;

    static synchronized Map<String, String> allowList() {
        if (allowListCache == null) {
            Map<String, String> reasons = new HashMap<>();
            for (String line : readLines("/pattern/unsupported-allowlist.jsonl")) {
                JsonNode node = parse(line);
                reasons.put(key(node.get("pattern").asText(), node.get("subject").asText()),
                        node.get("reason").asText());
            }
            allowListCache = reasons;
        }
        return allowListCache;
    }

    private static String key(String pattern, String subject) {
        return pattern + "\u0000" + subject;
    }

    private static Case toCase(String line) {
        JsonNode node = parse(line);
        List<String> warnings = new ArrayList<>();
        node.get("warnings").forEach(w -> warnings.add(w.asText()));
        JsonNode position = node.get("position");
        return new Case(node.get("id").asInt(), node.get("pattern").asText(), node.get("subject").asText(),
                node.get("outcome").asText(), node.has("message") ? node.get("message").asText() : null,
                position == null || position.isNull() ? null : position.asInt(), warnings);
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> readLines(String resource) {
        List<String> lines = new ArrayList<>();
        try (InputStream in = PythonCorpusTest.class.getResourceAsStream(resource)) {
            if (in == null) {
                return lines;
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank() && !line.startsWith("//")) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    /** Readable test names for patterns full of control characters. */
    static final class JsonText {
        static String quote(String s) {
            try {
                return JSON.writeValueAsString(s);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
