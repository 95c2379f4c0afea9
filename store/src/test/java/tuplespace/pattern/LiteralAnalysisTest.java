package tuplespace.pattern;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * literal() and literalPrefix() feed the store's exact lookups and range scans, so they must be sound:
 * claiming too little costs a scan, claiming too much loses matches.
 */
class LiteralAnalysisTest {

    @ParameterizedTest(name = "{0}: literal={1} prefix={2}")
    @CsvSource(delimiter = '¦', quoteCharacter = '\'', nullValues = "-", textBlock = """
            # pattern ¦ literal ¦ prefix
            user,42 ¦ user,42 ¦ user,42
            a\\.b ¦ a.b ¦ a.b
            user,42,.* ¦ - ¦ user,42,
            (user),1 ¦ user,1 ¦ user,1
            user,(1|2) ¦ - ¦ user,
            user,(12|13) ¦ - ¦ user,1
            (?:ab|ab) ¦ ab ¦ ab
            a|b ¦ - ¦ ''
            ab? ¦ - ¦ a
            a* ¦ - ¦ ''
            a+b ¦ - ¦ a
            ab{2} ¦ abb ¦ abb
            ab{2,3} ¦ - ¦ abb
            (?i)ab ¦ - ¦ ''
            a(?i:b)c ¦ - ¦ a
            (?i)a(?-i:bc) ¦ - ¦ ''
            ^user,1$ ¦ user,1 ¦ user,1
            \\Auser,1\\Z ¦ user,1 ¦ user,1
            a\\Zb ¦ - ¦ ab
            a(?=b)b ¦ - ¦ ab
            a\\bb ¦ - ¦ ab
            [a]b ¦ ab ¦ ab
            [ab]c ¦ - ¦ ''
            a.c ¦ - ¦ a
            (a)\\1 ¦ - ¦ a
            (?>ab)c ¦ abc ¦ abc
            a{0}b ¦ b ¦ b
            '' ¦ '' ¦ ''
            \uD83D\uDE00x|\uD83D\uDE01x ¦ - ¦ ''
            """)
    void literalAndPrefixAreSound(String pattern, String literal, String prefix) throws PatternException {
        PyPattern compiled = PyPattern.compile(PyPatternConstructTest.unescape(pattern));
        assertThat(compiled.literal()).isEqualTo(Optional.ofNullable(literal));
        assertThat(compiled.literalPrefix()).isEqualTo(prefix);
    }
}
