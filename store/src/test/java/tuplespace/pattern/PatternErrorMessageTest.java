package tuplespace.pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Refusals say what was expected and what was found, at Python's position (code points, like re.error.pos). */
class PatternErrorMessageTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '¦', quoteCharacter = '\'', textBlock = """
            ( ¦ missing ), unterminated subpattern at position 0
            (?:a ¦ missing ), unterminated subpattern at position 0
            a) ¦ unbalanced parenthesis at position 1
            [a ¦ unterminated character set at position 0
            *a ¦ nothing to repeat at position 0
            a** ¦ multiple repeat at position 2
            a{2}{3} ¦ multiple repeat at position 4
            ^* ¦ nothing to repeat at position 1
            x{2,1} ¦ min repeat greater than max repeat at position 2
            (a)\\2 ¦ invalid group reference 2 at position 4
            (a\\1) ¦ cannot refer to an open group at position 2
            (?P<n>a)(?P=m) ¦ unknown group name 'm' at position 12
            (?P<1>a) ¦ bad character in group name '1' at position 4
            (?P<a>x)(?P<a>y) ¦ redefinition of group name 'a' as group 2; was group 1 at position 12
            \\z ¦ bad escape \\z at position 0
            ab\\e ¦ bad escape \\e at position 2
            [\\w-z] ¦ bad character range \\w-z at position 1
            [z-a] ¦ bad character range z-a at position 1
            \\x4g ¦ incomplete escape \\x4 at position 0
            \\400 ¦ octal escape value \\400 outside of range 0-0o377 at position 0
            a(?i)b ¦ global flags not at the start of the expression at position 1
            (?au)a ¦ bad inline flags: flags 'a', 'u' and 'L' are incompatible at position 4
            (?z) ¦ unknown extension ?z at position 1
            (?<x>a) ¦ unknown extension ?<x at position 1
            (?(1)a|b|c)(x) ¦ conditional backref with more than two branches at position 8
            (?#unfinished ¦ missing ), unterminated comment at position 0
            (?<=a|bc)d ¦ look-behind requires fixed-width pattern
            é( ¦ missing ), unterminated subpattern at position 1
            a\\ ¦ bad escape (end of pattern) at position 1
            """)
    void refusalNamesTheProblemAndWhere(String pattern, String message) {
        PatternException refusal = catchThrowableOfType(() -> PyPattern.compile(unescape(pattern)),
                PatternException.class);
        assertThat(refusal).as("refused").isNotNull();
        assertThat(refusal.kind()).isEqualTo(PatternException.Kind.INVALID);
        assertThat(refusal.getMessage()).isEqualTo(unescape(message));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '¦', textBlock = """
            a\\n( ¦ missing ), unterminated subpattern (line 2, column 1)
            """)
    void multiLinePatternsGiveLineAndColumnLikePython(String pattern, String message) {
        PatternException refusal = catchThrowableOfType(() -> PyPattern.compile(unescape(pattern)),
                PatternException.class);
        assertThat(refusal.getMessage()).isEqualTo(message);
        assertThat(refusal.position()).isEqualTo(2);
    }

    private static String unescape(String text) {
        return PyPatternConstructTest.unescape(text);
    }
}
