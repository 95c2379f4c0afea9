package tuplespace.pattern;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A request's note names the pattern each of CPython's FutureWarnings is about, and is absent when there are none. */
class PatternNotesTest {

    @ParameterizedTest(name = "keyexp {0}, valexp {1}")
    @CsvSource(delimiter = '¦', quoteCharacter = '\'', nullValues = "-", textBlock = """
            # keyexp ¦ valexp ¦ note
            user,.* ¦ .* ¦ -
            [[a] ¦ .* ¦ keyexp: Possible nested set at position 1
            .* ¦ [a&&b] ¦ valexp: Possible set intersection at position 2
            [[a] ¦ [a&&b] ¦ 'keyexp: Possible nested set at position 1; valexp: Possible set intersection at position 2'
            .* ¦ [[a&&b] ¦ 'valexp: Possible nested set at position 1; valexp: Possible set intersection at position 3'
            """)
    void labelsEachNoteWithItsPattern(String keyexp, String valexp, String note) throws PatternException {
        assertThat(PatternNotes.of(PyPattern.compile(keyexp), PyPattern.compile(valexp)))
                .isEqualTo(Optional.ofNullable(note));
    }

    @ParameterizedTest(name = "valexp {0}")
    @CsvSource(delimiter = '¦', nullValues = "-", textBlock = """
            .* ¦ -
            [a||b] ¦ valexp: Possible set union at position 2
            """)
    void anExactKeyLeavesOnlyTheValuePatternToNote(String valexp, String note) throws PatternException {
        assertThat(PatternNotes.ofValuePattern(PyPattern.compile(valexp))).isEqualTo(Optional.ofNullable(note));
    }
}
