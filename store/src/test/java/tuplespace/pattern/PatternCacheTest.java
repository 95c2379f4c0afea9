package tuplespace.pattern;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PatternCacheTest {

    private static PatternCache.Outcome compiled(String source) {
        try {
            return new PatternCache.Outcome(PyPattern.compile(source), null);
        } catch (PatternException e) {
            throw new AssertionError("expected '" + source + "' to compile, found: " + e.getMessage(), e);
        }
    }

    @Test
    void aCachedSourceIsFoundAndAnotherSourceIsNot() {
        PatternCache cache = new PatternCache(8);
        PatternCache.Outcome outcome = compiled("a.*");
        cache.put("a.*", outcome);
        assertThat(cache.get("a.*")).isSameAs(outcome);
        assertThat(cache.get(new String("a.*"))).as("by content, not identity").isSameAs(outcome);
        assertThat(cache.get("b.*")).isNull();
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void itNeverHoldsMoreThanItsSlotsAndARefusalIsCachedLikeAPattern() {
        PatternCache cache = new PatternCache(16);
        for (int i = 0; i < 1000; i++) {
            cache.put("k" + i, compiled("k" + i));
        }
        assertThat(cache.size()).isBetween(1, 16);
        PatternCache.Outcome refused = new PatternCache.Outcome(null, PatternException.invalid("missing ), unterminated subpattern", 0, "("));
        cache.put("(", refused);
        assertThat(cache.get("(")).isSameAs(refused);
    }

    @Test
    void threadsReadingAndWritingAtOnceOnlyEverSeeTheOutcomeOfTheSourceTheyAskFor() throws Exception {
        PatternCache cache = new PatternCache(4);
        List<String> sources = List.of("x", "y", "z", "w", "v", "u", "t", "s");
        List<PatternCache.Outcome> outcomes = new ArrayList<>();
        sources.forEach(source -> outcomes.add(compiled(source)));
        AtomicReference<String> wrong = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int offset = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 200_000; i++) {
                    int which = (i + offset) % sources.size();
                    PatternCache.Outcome seen = cache.get(sources.get(which));
                    if (seen != null && seen != outcomes.get(which)) {
                        wrong.set(sources.get(which));
                    }
                    cache.put(sources.get(which), outcomes.get(which));
                }
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(wrong.get()).isNull();
    }
}
