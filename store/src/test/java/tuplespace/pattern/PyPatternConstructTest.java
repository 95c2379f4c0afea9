package tuplespace.pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One row per construct of docs/python-regex.md §1: Python's verdict, written out so a reader sees the rule. */
class PyPatternConstructTest {

    private static boolean fullMatches(String pattern, String subject) throws PatternException {
        return PyPattern.compile(pattern).fullMatches(subject, MatchBudget.unlimited());
    }

    @ParameterizedTest(name = "{0} on \"{1}\" -> {2}")
    @CsvSource(delimiter = '¦', quoteCharacter = '\'', textBlock = """
            # pattern ¦ subject ¦ Python
            (?P<name>a+)b ¦ aab ¦ true
            (?P<_x>a)(?P=_x) ¦ aa ¦ true
            (?P<x>a)(?P=x) ¦ ab ¦ false
            (a)(?:\\1)0 ¦ aa0 ¦ true
            a\\Z ¦ 'a\\n' ¦ false
            a$ ¦ 'a\\n' ¦ false
            a$\\n ¦ 'a\\n' ¦ true
            a$ ¦ 'a\\r' ¦ false
            (?m)a\\n^$ ¦ 'a\\n' ¦ true
            a. ¦ 'a\\r' ¦ true
            a. ¦ 'a\\n' ¦ false
            (?s)a. ¦ 'a\\n' ¦ true
            a{,2} ¦ aa ¦ true
            a{,2} ¦ aaa ¦ false
            a{ ¦ a{ ¦ true
            a{1, 2} ¦ a{1, 2} ¦ true
            a{1,3}+a ¦ aaa ¦ false
            (?>a|ab)c ¦ abc ¦ false
            (?i)k ¦ \u212a ¦ true
            (?ai)k ¦ \u212a ¦ false
            (?i:a)b ¦ Ab ¦ true
            (?i:a)b ¦ AB ¦ false
            (?x)a b # comment ¦ ab ¦ true
            (?x)[ ] ¦ ' ' ¦ true
            \\w ¦ \u00b2 ¦ true
            \\w ¦ \u203f ¦ false
            (?a)\\w ¦ \u00e9 ¦ false
            \\s ¦ '\u001c' ¦ true
            \\B ¦ '' ¦ false
            \\b\u00e9\\b ¦ \u00e9 ¦ true
            # \\b and \\B after a character outside the BMP: a letter or digit is a word character there too
            u,\\b\\w+\\b ¦ u,\uD801\uDC00 ¦ true
            \uD835\uDFD8\\b ¦ \uD835\uDFD8 ¦ true
            \uD83D\uDE00\\ba ¦ \uD83D\uDE00a ¦ true
            \uD801\uDC00\\ba ¦ \uD801\uDC00a ¦ false
            \uD801\uDC00\\Ba ¦ \uD801\uDC00a ¦ true
            \uD83D\uDE00\\B ¦ \uD83D\uDE00 ¦ true
            (?a)\uD801\uDC00\\b ¦ \uD801\uDC00 ¦ false
            (a)?(?(1)b|c) ¦ ab ¦ true
            (a)?(?(1)b|c) ¦ c ¦ true
            (a)?(?(1)b|c) ¦ ac ¦ false
            (?P<q>a)?(?(q)b|c) ¦ c ¦ true
            (?<=ab|cd)e ¦ e ¦ false
            (?#comment)a ¦ a ¦ true
            \\0777 ¦ ?7 ¦ true
            \\141 ¦ a ¦ true
            [\\1] ¦ '\u0001' ¦ true
            [\\b] ¦ '\u0008' ¦ true
            \\v ¦ '\\n' ¦ false
            \\N{EM DASH} ¦ \u2014 ¦ true
            \\U0001F600 ¦ \uD83D\uDE00 ¦ true
            [a&&b] ¦ & ¦ true
            [[a] ¦ [ ¦ true
            []a] ¦ ] ¦ true
            a\\.b ¦ a.b ¦ true
            a\\.b ¦ axb ¦ false
            # a backreference after a repeated group: only a few steps on a short subject
            (a+)+\\1 ¦ aa ¦ true
            (a+)+\\1 ¦ aaab ¦ false
            (a)+\\1 ¦ aa ¦ true
            (a+)++\\1 ¦ aa ¦ false
            # giving back an iteration gives back the captures made in it, nested groups' too
            (?:(.)x)+\\1. ¦ axbx ¦ false
            ((.)x)+\\2. ¦ axbx ¦ false
            (?:(.)x){1,2}\\1. ¦ axbx ¦ false
            (?:(..))+\\1 ¦ aaab ¦ false
            ((()){2}|\\3.) ¦ a ¦ false
            (?:(.)x)+\\1. ¦ axbxbb ¦ true
            ((a)x)*(?(2)a|b) ¦ axaxa ¦ true
            ((a)x|bx)*(?(2)a|b) ¦ bxb ¦ true
            # a full match's length is counted in code points, as Python counts: an astral character is one
            (?:..){2} ¦ \uD83D\uDE00\uD83D\uDE00 ¦ false
            (?:..){2} ¦ \uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00 ¦ true
            .{1,2} ¦ \uD83D\uDE00\uD83D\uDE00 ¦ true
            .{1,2} ¦ a\uD83D\uDE00\uD83D\uDE00 ¦ false
            # branches of one character or set are one set, a first item they share is moved out (as _parse_sub does)
            (?:a|ab)c ¦ abc ¦ true
            (?:ab|ac)d ¦ acd ¦ true
            (?:a|[bc]|\\d)x ¦ 7x ¦ true
            x(?:a|[^a]) ¦ xb ¦ true
            (a|b)(?(1)c|d) ¦ bc ¦ true
            # ... but only an item that matches one way: a shared repeat or group stays in its branches
            (?>x*?y|x*?x) ¦ xxy ¦ true
            (?>\\w+k|\\w+) ¦ kka ¦ false
            (?=x*(x)|x*(y))(?(1)xxy|z) ¦ xxy ¦ true
            (?>(?:a|ab)c|(?:a|ab)b) ¦ abc ¦ true
            # under (?i), ß and ẞ are one letter in a set as in a literal: Python folds by lowercasing
            (?i)[\u00df] ¦ \u1e9e ¦ true
            (?i)[\u1e9e] ¦ \u00df ¦ true
            (?i)[^\u00df] ¦ \u1e9e ¦ false
            (?i)(?:\u00df|q) ¦ \u1e9e ¦ true
            (?i)[\u00de-\u00df] ¦ \u1e9e ¦ true
            (?i)[\u00e0-\u00ff] ¦ \u1e9e ¦ false
            (?a)(?i)[\u00df] ¦ \u1e9e ¦ false
            # the other pairs Python's equivalence table makes one letter under (?i) and Java's case folding does not
            (?i)\u0390 ¦ \u1fd3 ¦ true
            (?i)\u1fd3 ¦ \u0390 ¦ true
            (?i)[\u03b0] ¦ \u1fe3 ¦ true
            (?i)[^\u03b0] ¦ \u1fe3 ¦ false
            (?i)\ufb05 ¦ \ufb06 ¦ true
            (?i)[\ufb06] ¦ \ufb05 ¦ true
            (?i)(?:\ufb05|q) ¦ \ufb06 ¦ true
            (?i)[\u0380-\u0395] ¦ \u1fd3 ¦ true
            (?a)(?i)\u0390 ¦ \u1fd3 ¦ false
            \u0390 ¦ \u1fd3 ¦ false
            """)
    void constructBehavesAsInPython(String pattern, String subject, boolean expected) throws PatternException {
        assertThat(fullMatches(unescape(pattern), unescape(subject))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} is refused by Python")
    @CsvSource(delimiter = '¦', quoteCharacter = '\'', textBlock = """
            (?<name>a)
            \\k<name>
            (a)\\2
            (a\\1)
            \\z
            \\G
            \\x{41}
            a**
            a{2}{3}
            ^*
            \\b+
            [\\w-z]
            a(?i)b
            (?au)a
            (?<=a|bc)d
            (?<=a+)b
            \\e
            \\p{L}
            (?(1)a|b|c)
            (?P<1>a)
            """)
    void pythonRefusalsAreInvalid(String pattern) {
        assertThatThrownBy(() -> PyPattern.compile(unescape(pattern)))
                .isInstanceOfSatisfying(PatternException.class,
                        e -> assertThat(e.kind()).isEqualTo(PatternException.Kind.INVALID));
    }

    @Test
    void aRepeatedChoiceOfCharactersMatchesALongTextWithoutRunningOutOfStack() throws PatternException {
        // CPython 3.11 fullmatches each of these; as alternations java.util.regex recursed once per repetition and
        // overflowed its stack around 4,000 characters (the match was cut off)
        String qz = "qz".repeat(50_000);
        assertThat(fullMatches("(?:q|z)*", qz)).isTrue();
        assertThat(fullMatches("(q|z)+", qz)).isTrue();
        assertThat(fullMatches("(?:q|[z])*", qz)).isTrue();
        assertThat(fullMatches("(?:ab|ac)*", "ab".repeat(50_000) + "ac".repeat(50_000))).isTrue();
        assertThat(fullMatches("(?:q|z)*", qz + "x")).isFalse();
    }

    @Test
    void javaMetacharactersNeverLeakIntoTheTranslation() throws PatternException {
        // every non-alphanumeric literal is \x{..}: Java's '&&', '[' and '#' have no chance to mean anything
        assertThat(PyPattern.compile("[a&&b]#").javaSource()).doesNotContain("&&").doesNotContain("#");
    }

    @Test
    void dotStarFullyMatchesExactlyTheTextsWithoutALineBreakOneByOneOrInAScan() throws PatternException {
        // re.fullmatch('.*', s) is a match iff '\n' not in s (CPython 3.11)
        for (String subject : new String[] {"", "abc", "user,1", "\u00e9t\u00e9,\uD83D\uDE00", "a\rb"}) {
            assertThat(fullMatches(".*", subject)).as(subject).isTrue();
            assertThat(PyPattern.compile(".*").matcher(MatchBudget.unlimited()).fullMatches(subject)).isTrue();
        }
        for (String subject : new String[] {"\n", "a\nb", "abc\n"}) {
            assertThat(fullMatches(".*", subject)).as(subject).isFalse();
            assertThat(PyPattern.compile(".*").matcher(MatchBudget.unlimited()).fullMatches(subject)).isFalse();
            assertThat(fullMatches("(?s).*", subject)).as("DOTALL takes the line break too").isTrue();
        }
    }

    @Test
    void tooLongPatternsAreRefused() {
        assertThatThrownBy(() -> PyPattern.compile("a".repeat(PyPattern.MAX_PATTERN_LENGTH + 1)))
                .isInstanceOfSatisfying(PatternException.class,
                        e -> assertThat(e.kind()).isEqualTo(PatternException.Kind.TOO_LONG));
    }

    @Test
    void compiledPatternsComeFromTheCache() throws PatternException {
        assertThat(PyPattern.compile("cached,.*")).isSameAs(PyPattern.compile("cached,.*"));
    }

    @Test
    void cachedRefusalsAreThrownAgain() {
        for (int attempt = 0; attempt < 2; attempt++) {
            assertThatThrownBy(() -> PyPattern.compile("(")).isInstanceOf(PatternException.class)
                    .hasMessage("missing ), unterminated subpattern at position 0");
        }
    }

    @ParameterizedTest(name = "{0} is valid, noted \"{1}\"")
    @CsvSource(delimiter = '¦', quoteCharacter = '\'', textBlock = """
            # pattern ¦ CPython 3.11's FutureWarnings, '; '-joined ¦ subject ¦ Python's match
            [[] ¦ Possible nested set at position 1 ¦ [ ¦ true
            [[a] ¦ Possible nested set at position 1 ¦ a ¦ true
            [[[] ¦ Possible nested set at position 1 ¦ [ ¦ true
            [[:alpha:]] ¦ Possible nested set at position 1 ¦ a] ¦ true
            [a&&b] ¦ Possible set intersection at position 2 ¦ b ¦ true
            [a&&] ¦ Possible set intersection at position 2 ¦ & ¦ true
            [-&&] ¦ Possible set intersection at position 2 ¦ - ¦ true
            []&&] ¦ Possible set intersection at position 2 ¦ ] ¦ true
            [a||b] ¦ Possible set union at position 2 ¦ | ¦ true
            [a~~b] ¦ Possible set symmetric difference at position 2 ¦ ~ ¦ true
            [a-b--c] ¦ Possible set difference at position 4 ¦ 5 ¦ true
            [+--] ¦ Possible set difference at position 2 ¦ , ¦ true
            [a&&&b] ¦ Possible set intersection at position 2; Possible set intersection at position 3 ¦ a ¦ true
            [[a&&b] ¦ Possible nested set at position 1; Possible set intersection at position 3 ¦ c ¦ false
            user,[[1] ¦ Possible nested set at position 6 ¦ user,1 ¦ true
            # look-alikes Python does not warn about
            [a[] ¦ '' ¦ [ ¦ true
            [^[] ¦ '' ¦ a ¦ true
            [&&] ¦ '' ¦ & ¦ true
            [--a] ¦ '' ¦ 5 ¦ true
            [a|b] ¦ '' ¦ | ¦ true
            (?x)[ [ ] ¦ '' ¦ [ ¦ true
            """)
    void patternsPythonOnlyWarnsAboutAreValidAndCarryItsWordsAsNotes(String pattern, String notes, String subject,
            boolean expected) throws PatternException {
        PyPattern compiled = PyPattern.compile(pattern);
        assertThat(String.join("; ", compiled.notes())).isEqualTo(notes);
        assertThat(compiled.fullMatches(subject, MatchBudget.unlimited())).isEqualTo(expected);
    }

    @Test
    void capturesAreRestoredTheSlowWayOnlyWhereABackreferenceOrConditionalReadsThem() throws PatternException {
        // Java's shortcut loop for a fixed-width repeated group is right as long as no nested capture is read again
        assertThat(PyPattern.compile("(?:(.)x)+").javaSource()).doesNotContain("(?!)");
        assertThat(PyPattern.compile("(?:(.)x)+\\1").javaSource()).contains("|(?!))+");
        assertThat(PyPattern.compile("(.x)+\\1").javaSource()).doesNotContain("(?!)"); // no group nested in it
    }

    /** CSV cells spell control characters as \n, \r and \\uXXXX; turn them into the characters. */
    static String unescape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == '\\') {
                out.append('\\');
                i++;
            } else if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == 'n') {
                out.append('\n');
                i++;
            } else if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == 'r') {
                out.append('\r');
                i++;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
