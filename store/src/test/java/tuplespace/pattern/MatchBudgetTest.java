package tuplespace.pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SPEC §1: no pattern may stall the server. Catastrophic patterns on long subjects must come back within the
 * budget (asserted generously: a 100 ms budget must return in well under 2 s), as a match result or as
 * MatchBudgetExceededException, never a hang and never a StackOverflowError.
 */
class MatchBudgetTest {

    @ParameterizedTest(name = "{0} on {1} x{2} + {3}")
    @CsvSource(delimiter = '¦', textBlock = """
            (a|aa)+$ ¦ a ¦ 5000 ¦ b
            (x+x+)+y ¦ x ¦ 5000 ¦ z
            (.*a){20} ¦ a ¦ 20 ¦ bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
            (a|b)* ¦ a ¦ 200000 ¦ b
            (?:a|b)*c ¦ a ¦ 200000 ¦ b
            (a+)+$ ¦ a ¦ 40 ¦ !
            (a+)+\\1 ¦ a ¦ 40 ¦ b
            (?:(a)b)+\\1 ¦ ab ¦ 100000 ¦ a
            """)
    void catastrophicPatternsReturnWithinTheBudget(String pattern, String unit, int count, String tail)
            throws PatternException {
        PyPattern compiled = PyPattern.compile(pattern);
        String subject = unit.repeat(count) + tail.repeat(tail.length() > 1 ? 50 : 1);
        MatchBudget budget = MatchBudget.of(Duration.ofMillis(100), System::nanoTime);
        long start = System.nanoTime();
        try {
            compiled.fullMatches(subject, budget);
        } catch (MatchBudgetExceededException expected) {
            assertThat(expected.getMessage()).contains("budget");
            assertThat(expected.getStackTrace()).isEmpty();
        }
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("budget: %s on %d chars returned after %d ms%n", pattern, subject.length(), elapsedMillis);
        assertThat(elapsedMillis).isLessThan(2000);
    }

    @Test
    void aSpentBudgetStopsTheNextMatchAtOnce() throws PatternException {
        AtomicLong now = new AtomicLong();
        MatchBudget budget = MatchBudget.of(Duration.ofMillis(100), now::get);
        PyPattern pattern = PyPattern.compile("a*");
        assertThat(pattern.fullMatches("aaa", budget)).isTrue();
        now.addAndGet(Duration.ofMillis(100).toNanos()); // the request's time is up
        assertThat(budget.exhausted()).isTrue();
        assertThatThrownBy(() -> pattern.fullMatches("aaa", budget))
                .isInstanceOf(MatchBudgetExceededException.class)
                .hasMessage("pattern matching exceeded its 100 ms budget (catastrophic backtracking?)");
    }

    @Test
    void theDeadlineIsCheckedWhileMatchingWithTheInjectedClock() throws PatternException {
        // a fake clock that jumps past the deadline on its second reading: only the check inside charAt sees it
        AtomicLong readings = new AtomicLong();
        MatchBudget budget = MatchBudget.of(Duration.ofMillis(1), () -> readings.getAndIncrement() < 2 ? 0 : 5_000_000);
        PyPattern pattern = PyPattern.compile("(x+x+)+y");
        assertThatThrownBy(() -> pattern.fullMatches("x".repeat(30), budget))
                .isInstanceOf(MatchBudgetExceededException.class);
    }

    /**
     * Work, not time: a clock that moves 1 ms each time it is read, and the matcher reads it once per
     * {@value DeadlineCharSequence#CHECK_INTERVAL} characters, so a 20 ms budget allows about 19 000 character reads
     * whatever the machine's speed. A pattern over a subject of a few characters needs a few dozen.
     */
    @ParameterizedTest(name = "{0} on {1} -> {2}")
    @CsvSource(delimiter = '¦', textBlock = """
            (a+)+\\1 ¦ aa ¦ true
            (a+)+\\1 ¦ aaa ¦ true
            (a+)+\\1 ¦ aaaaaaaa ¦ true
            (a+)+\\1 ¦ aaab ¦ false
            (a)+\\1 ¦ aa ¦ true
            (a+)+ ¦ aa ¦ true
            (a|aa)+\\1 ¦ aaaa ¦ true
            (a+)++\\1 ¦ aa ¦ false
            (?:(.)x)+\\1. ¦ axbxbb ¦ true
            # shorter than any full match (as CPython checks first) or longer than any: no search at all
            (a+)+\\1b{30} ¦ aaaaaaaaaaaaaaaaaaaaaaaa ¦ false
            (a{1,3}){1,8}\\1 ¦ aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ¦ false
            """)
    void aShortSubjectCostsAFewStepsNotTheBudget(String pattern, String subject, boolean expected)
            throws PatternException {
        assertThat(PyPattern.compile(pattern).fullMatches(subject, steppingBudget())).isEqualTo(expected);
    }

    @Test
    void theSteppingBudgetDoesCutOffExponentialWork() throws PatternException {
        // the same measure stops (a+)+\1 where it is exponential, in Java as in CPython: a long run of a's, no match
        PyPattern pattern = PyPattern.compile("(a+)+\\1");
        assertThatThrownBy(() -> pattern.fullMatches("a".repeat(24) + "b", steppingBudget()))
                .isInstanceOf(MatchBudgetExceededException.class);
    }

    private static MatchBudget steppingBudget() {
        AtomicLong now = new AtomicLong();
        return MatchBudget.of(Duration.ofMillis(20), () -> now.getAndAdd(Duration.ofMillis(1).toNanos()));
    }

    @Test
    void unlimitedBudgetNeverRunsOut() {
        assertThat(MatchBudget.unlimited().exhausted()).isFalse();
    }
}
