package tuplespace.pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * No pattern may stall the server (docs/protocol.md "The data"). The match budget bounds the matching of one text, the
 * request limit all the matching of one request; the clock is read only every so many character reads and every so many
 * texts.
 */
class MatchBudgetTest {

    private static final Duration BUDGET = Duration.ofMillis(100);
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final long MS = 1_000_000L;

    /** A clock that reads {@code now}, moves on by {@code step} after each reading, and counts the readings. */
    private static final class SteppingClock implements LongSupplier {
        long now;
        long step;
        int readings;

        SteppingClock(long step) {
            this.step = step;
        }

        @Override
        public long getAsLong() {
            readings++;
            long reading = now;
            now += step;
            return reading;
        }
    }

    /**
     * Catastrophic patterns on long texts must come back within the match budget (asserted generously: a 100 ms
     * budget must return in well under 2 s), as a match result or as a cut-off of the text, never a hang and never a
     * StackOverflowError.
     */
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
        MatchBudget budget = MatchBudget.of(BUDGET, LIMIT, System::nanoTime);
        long start = System.nanoTime();
        try {
            compiled.fullMatches(subject, budget);
        } catch (MatchBudgetExceededException expected) {
            assertThat(expected.cutOff()).isEqualTo(CutOff.MATCH_BUDGET);
            assertThat(expected.getMessage()).contains("match budget of 100 ms on one text");
            assertThat(expected.getStackTrace()).isEmpty();
        }
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("budget: %s on %d chars returned after %d ms%n", pattern, subject.length(), elapsedMillis);
        assertThat(elapsedMillis).isLessThan(2000);
    }

    @Test
    void shortTextsReadTheClockOnlyOnceEveryFewHundred() throws PatternException {
        SteppingClock clock = new SteppingClock(MS);
        MatchBudget budget = MatchBudget.of(BUDGET, LIMIT, clock);
        assertThat(clock.readings).as("the request's start").isEqualTo(1);
        PyPattern pattern = PyPattern.compile("user,\\d+");
        for (int i = 1; i < MatchBudget.TEXTS_PER_CHECK; i++) {
            assertThat(pattern.fullMatches("user," + i, budget)).isTrue();
        }
        assertThat(clock.readings).isEqualTo(1);
        pattern.fullMatches("user,x", budget);
        assertThat(clock.readings).isEqualTo(2);
    }

    @Test
    void theMatchBudgetBoundsEachTextNotTheRequest() throws PatternException {
        // Every reading is 60 ms after the one before. A text of 1,500 characters reads the clock once (its clock
        // starts): never cut off, however many texts the request matches, all of them together taking far longer
        // than the budget.
        SteppingClock clock = new SteppingClock(60 * MS);
        MatchBudget budget = MatchBudget.of(BUDGET, Duration.ofHours(1), clock);
        PyPattern pattern = PyPattern.compile("a*");
        for (int i = 0; i < 1_000; i++) {
            assertThat(pattern.fullMatches("a".repeat(1_500), budget)).isTrue();
        }
        assertThat(clock.readings).isGreaterThan(1_000);
        // A text of 3,500 characters reads it three times: 0, 60 and 120 ms after its clock started.
        assertThatThrownBy(() -> pattern.fullMatches("a".repeat(3_500), budget))
                .isInstanceOf(MatchBudgetExceededException.class)
                .hasMessage("took more than its match budget of 100 ms on one text (catastrophic backtracking?)")
                .extracting(e -> ((MatchBudgetExceededException) e).cutOff()).isEqualTo(CutOff.MATCH_BUDGET);
    }

    /**
     * One reused matcher (a scan's) gives each text what {@code fullMatches} gives it, and each text its own match
     * budget: a long text after many short ones starts its clock afresh, a text after one that was cut off is matched.
     */
    @Test
    void aReusedMatcherMatchesEachTextAsOnItsOwnWithABudgetOfItsOwn() throws PatternException {
        SteppingClock clock = new SteppingClock(60 * MS);
        MatchBudget budget = MatchBudget.of(BUDGET, Duration.ofHours(1), clock);
        PyPattern pattern = PyPattern.compile("a*,?\\d*");
        PyPattern.TextMatcher matcher = pattern.matcher(budget);
        List<String> texts = List.of("aaa", "a1,2", "", "b", "a,", "a".repeat(1_500), "12,34", "\u00e9", "a".repeat(500) + "b");
        for (String text : texts) {
            assertThat(matcher.fullMatches(text)).as(text).isEqualTo(pattern.fullMatches(text, budget));
        }
        assertThatThrownBy(() -> matcher.fullMatches("a".repeat(3_500)))
                .isInstanceOf(MatchBudgetExceededException.class)
                .extracting(e -> ((MatchBudgetExceededException) e).cutOff()).isEqualTo(CutOff.MATCH_BUDGET);
        assertThat(matcher.fullMatches("a".repeat(1_500))).isTrue();
        assertThat(matcher.fullMatches("a,1")).isTrue();
        assertThat(matcher.fullMatches("a;1")).isFalse();
    }

    @Test
    void aSpentRequestLimitCutsTheRequestOffAtItsNextCheck() throws PatternException {
        SteppingClock clock = new SteppingClock(0);
        MatchBudget budget = MatchBudget.of(BUDGET, LIMIT, clock);
        PyPattern pattern = PyPattern.compile("k,\\d+");
        pattern.fullMatches("k,1", budget);
        clock.now = LIMIT.toNanos(); // the request's time is up
        assertThat(budget.exhausted()).isTrue();
        for (int i = 2; i < MatchBudget.TEXTS_PER_CHECK; i++) {
            pattern.fullMatches("k," + i, budget); // no clock read: not noticed yet
        }
        assertThatThrownBy(() -> pattern.fullMatches("k,last", budget))
                .isInstanceOf(MatchBudgetExceededException.class)
                .hasMessage("the request took 10.0 s matching " + MatchBudget.TEXTS_PER_CHECK
                        + " texts, more than its limit of 10.0 s")
                .extracting(e -> ((MatchBudgetExceededException) e).cutOff()).isEqualTo(CutOff.REQUEST_CPU_LIMIT);
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
        return MatchBudget.of(Duration.ofMillis(20), Duration.ofSeconds(60), () -> now.getAndAdd(Duration.ofMillis(1).toNanos()));
    }

    @Test
    void aTextThatReadsTheClockChecksTheRequestLimitToo() throws PatternException {
        SteppingClock clock = new SteppingClock(60 * MS);
        MatchBudget budget = MatchBudget.of(BUDGET, Duration.ofMillis(150), clock);
        PyPattern pattern = PyPattern.compile("a*");
        pattern.fullMatches("a".repeat(1_500), budget); // reading at 60 ms
        pattern.fullMatches("a".repeat(1_500), budget); // 120 ms
        assertThatThrownBy(() -> pattern.fullMatches("a".repeat(1_500), budget)) // 180 ms
                .isInstanceOf(MatchBudgetExceededException.class)
                .extracting(e -> ((MatchBudgetExceededException) e).cutOff()).isEqualTo(CutOff.REQUEST_CPU_LIMIT);
    }

    @Test
    void unlimitedBudgetNeverRunsOut() throws PatternException {
        MatchBudget budget = MatchBudget.unlimited();
        PyPattern pattern = PyPattern.compile("a*");
        for (int i = 0; i < 3 * MatchBudget.TEXTS_PER_CHECK; i++) {
            pattern.fullMatches("a".repeat(3_000), budget);
        }
        assertThat(budget.exhausted()).isFalse();
    }

    @Test
    void negativeBoundsAreRefused() {
        assertThatThrownBy(() -> MatchBudget.of(Duration.ofMillis(-1), LIMIT, System::nanoTime))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("match budget");
        assertThatThrownBy(() -> MatchBudget.of(BUDGET, Duration.ofMillis(-1), System::nanoTime))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("request limit");
    }
}
