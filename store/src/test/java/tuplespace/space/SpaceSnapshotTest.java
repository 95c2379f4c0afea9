package tuplespace.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tuplespace.pattern.CutOff;
import tuplespace.pattern.MatchBudget;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/** Snapshots of a space, and DELETE decided on a snapshot and applied later. */
@Timeout(20)
class SpaceSnapshotTest {

    private static final Command.Delete DELETE_USERS = new Command.Delete("user,.*", ".*");

    private static TupleSpace users() {
        TupleSpace space = new TupleSpace();
        apply(space, put("user,1", "alice"), put("user,2", "bob"), put("user,3", "carol"), put("group,1", "admins"));
        return space;
    }

    private static Command put(String key, String value) {
        return new Command.Put(List.of(Optional.of(Pair.of(key, value))));
    }

    private static Command post(String key, String value) {
        return new Command.Post(List.of(Optional.of(Pair.of(key, value))));
    }

    private static void apply(TupleSpace space, Command... commands) {
        for (Command command : commands) {
            space.apply(command, MatchBudget.unlimited());
        }
    }

    private static Result.Matched get(TupleSpace space, String keyexp, String valexp) {
        return (Result.Matched) space.apply(new Command.Get(keyexp, valexp), MatchBudget.unlimited()).result();
    }

    static Stream<Arguments> laterUpdates() {
        return Stream.of(
                Arguments.of("PUT of a new key", put("user,0", "zed")),
                Arguments.of("POST of a present key", post("user,2", "robert")),
                Arguments.of("DELETE of one key", new Command.Delete("user,1", ".*")),
                Arguments.of("DELETE of all", new Command.Delete(".*", ".*")),
                Arguments.of("many PUTs (splits)", new Command.Put(IntStream.range(0, 500)
                        .mapToObj(i -> Optional.of(Pair.of("user,x" + i, "v"))).toList())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("laterUpdates")
    void aSnapshotAnswersAsTheSpaceDidWhenItWasTakenWhateverHappensLater(String name, Command update) {
        TupleSpace space = users();
        List<Pair> pairs = List.copyOf(space.pairs());
        long digest = space.digest();
        Result.Matched users = get(space, "user,.*", ".*");
        Result.Matched bob = get(space, "user,2", ".*");

        SpaceSnapshot snapshot = space.snapshot();
        apply(space, update);

        assertThat(space.digest()).isNotEqualTo(digest);
        assertThat(snapshot.size()).isEqualTo(4);
        assertThat(snapshot.digest()).isEqualTo(digest);
        assertThat(List.copyOf(snapshot.pairs())).isEqualTo(pairs);
        assertThat(snapshot.find("user,.*", ".*", MatchBudget.unlimited())).isEqualTo(users);
        assertThat(snapshot.find("user,2", ".*", MatchBudget.unlimited())).isEqualTo(bob);
    }

    @Test
    void aSnapshotAnswersFindLikeGetIncludingWarningsAndCutOffs() {
        TupleSpace space = users();
        SpaceSnapshot snapshot = space.snapshot();
        for (String[] patterns : new String[][] {{".*", ".*"}, {"user,[12]", ".*"}, {"(", ".*"}, {".*", "[[a]"}}) {
            assertThat(snapshot.find(patterns[0], patterns[1], MatchBudget.unlimited()))
                    .isEqualTo(get(space, patterns[0], patterns[1]));
        }
        for (int i = 0; i < 1_000; i++) {
            space.store(Tuple.parse("k," + i), Tuple.parse("v"));
        }
        MatchBudget spent = MatchBudget.of(Duration.ofSeconds(1), Duration.ZERO, System::nanoTime);
        assertThat(space.snapshot().find(".*", ".*", spent).cutOff()).isEqualTo(CutOff.REQUEST_CPU_LIMIT);
    }

    @Test
    void anotherThreadReadsASnapshotWhileTheOwnerWrites() throws InterruptedException {
        TupleSpace space = new TupleSpace();
        for (int i = 0; i < 20_000; i++) {
            space.store(Tuple.parse("k," + i), Tuple.parse("v" + i));
        }
        SpaceSnapshot snapshot = space.snapshot();
        List<Pair> expected = List.copyOf(space.pairs());
        AtomicReference<String> problem = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            for (int round = 0; round < 20 && problem.get() == null; round++) {
                if (!List.copyOf(snapshot.pairs()).equals(expected)
                        || snapshot.find("k,1.*", "v.*", MatchBudget.unlimited()).pairs().size() != 11_111) {
                    problem.set("the snapshot changed in round " + round);
                }
            }
        });
        reader.start();
        Random random = new Random(3);
        while (reader.isAlive()) {
            int i = random.nextInt(40_000);
            if (random.nextBoolean()) {
                space.store(Tuple.parse("k," + i), Tuple.parse("w" + i));
            } else {
                apply(space, new Command.Delete("k," + i, ".*"));
            }
        }
        reader.join();
        assertThat(problem.get()).isNull();
    }

    /** Each row: what happens between the snapshot and the point where the DELETE takes effect. */
    static Stream<Arguments> updatesBeforeThePoint() {
        return Stream.of(
                Arguments.of("nothing", List.of(), List.of("user,1 alice", "user,2 bob", "user,3 carol")),
                Arguments.of("a new matching key is removed too", List.of(put("user,4", "dave")),
                        List.of("user,1 alice", "user,2 bob", "user,3 carol", "user,4 dave")),
                Arguments.of("a key removed since is not answered", List.of(new Command.Delete("user,2", ".*")),
                        List.of("user,1 alice", "user,3 carol")),
                Arguments.of("a changed value is answered as it is now", List.of(post("user,3", "caroline")),
                        List.of("user,1 alice", "user,2 bob", "user,3 caroline")),
                Arguments.of("a key removed and put back is removed", List.of(new Command.Delete("user,1", ".*"),
                        put("user,1", "albert")), List.of("user,1 albert", "user,2 bob", "user,3 carol")),
                Arguments.of("a non-matching new key stays", List.of(put("group,2", "staff")),
                        List.of("user,1 alice", "user,2 bob", "user,3 carol")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("updatesBeforeThePoint")
    void aDeleteFoundOnASnapshotRemovesWhatMatchesWhereItTakesEffect(String name, List<Command> before,
            List<String> removed) {
        TupleSpace space = users();
        try (ChangeRecorder changes = space.recordChanges()) {
            Result.Matched found = changes.snapshot().find(DELETE_USERS.keyexp(), DELETE_USERS.valexp(),
                    MatchBudget.unlimited());
            before.forEach(update -> apply(space, update));
            Outcome outcome = space.deleteFound(DELETE_USERS, found, changes, MatchBudget.unlimited());
            apply(space, put("user,5", "eve")); // after the point: not seen, stays

            List<String> answered = ((Result.Matched) outcome.result()).pairs().stream().map(Pair::toString).toList();
            assertThat(answered).isEqualTo(removed);
            assertThat(outcome.effect().removed()).hasSize(removed.size());
            assertThat(outcome.effect().written()).isEmpty();
            assertThat(get(space, "user,.*", ".*").pairs()).containsExactly(Pair.of("user,5", "eve"));
        }
    }

    @Test
    void aDeleteFoundWithNothingChangedSinceItsSnapshotAnswersWhatWasFoundAndRemovesItAsADirectDeleteWould() {
        TupleSpace space = users();
        TupleSpace twin = users();
        try (ChangeRecorder changes = space.recordChanges()) {
            Result.Matched found = changes.snapshot().find(DELETE_USERS.keyexp(), DELETE_USERS.valexp(),
                    MatchBudget.unlimited());
            Outcome outcome = space.deleteFound(DELETE_USERS, found, changes, MatchBudget.unlimited());

            assertThat(outcome.result()).as("the answer formatted from it stands").isSameAs(found);
            assertThat(outcome).isEqualTo(twin.apply(DELETE_USERS, MatchBudget.unlimited()));
            assertThat(changes.isOpen()).as("its own removals are not recorded").isFalse();
        }
        assertThat(space.digest()).isEqualTo(twin.digest());
        assertThat(List.copyOf(space.pairs())).isEqualTo(List.copyOf(twin.pairs()));
    }

    @Test
    void aValueChangedToMatchOrNotToMatchIsCheckedAgain() {
        TupleSpace space = users();
        Command.Delete startingWithA = new Command.Delete("user,.*", "a.*");
        try (ChangeRecorder changes = space.recordChanges()) {
            Result.Matched found = changes.snapshot().find("user,.*", "a.*", MatchBudget.unlimited());
            assertThat(found.pairs()).containsExactly(Pair.of("user,1", "alice"));
            apply(space, post("user,1", "bob"), post("user,2", "anna"));
            Outcome outcome = space.deleteFound(startingWithA, found, changes, MatchBudget.unlimited());
            assertThat(((Result.Matched) outcome.result()).pairs()).containsExactly(Pair.of("user,2", "anna"));
        }
        assertThat(space.valueOf(tuplespace.tuple.Tuple.parse("user,1"))).isPresent();
    }

    @Test
    void aDeleteFoundCutOffOrWithARefusedPatternRemovesNothing() {
        TupleSpace space = users();
        long digest = space.digest();
        try (ChangeRecorder changes = space.recordChanges()) {
            Result.Matched cutOff = Result.Matched.cutOff(CutOff.REQUEST_CPU_LIMIT, "request too large");
            Outcome outcome = space.deleteFound(DELETE_USERS, cutOff, changes, MatchBudget.unlimited());
            assertThat(outcome.result()).isEqualTo(cutOff);
            assertThat(outcome.effect().isEmpty()).isTrue();

            Command.Delete refused = new Command.Delete("(", ".*");
            Result.Matched found = changes.snapshot().find("(", ".*", MatchBudget.unlimited());
            apply(space, put("user,4", "dave"));
            Outcome refusal = space.deleteFound(refused, found, changes, MatchBudget.unlimited());
            assertThat(refusal.result()).isEqualTo(found);
            assertThat(refusal.effect().isEmpty()).isTrue();
            assertThat(changes.isOpen()).as("a DELETE that took effect, even one removing nothing, is done with it")
                    .isFalse();
        }
        try (ChangeRecorder changes = space.recordChanges()) {
            // checking a changed key again runs past its match budget: nothing is removed either
            apply(space, put("user,a", "a".repeat(5_000) + "b"));
            Command.Delete catastrophic = new Command.Delete("user,.*", "(a*)*$");
            Result.Matched candidates = changes.snapshot().find("user,.*", "(a*)*$", MatchBudget.unlimited());
            AtomicLong nanos = new AtomicLong();
            MatchBudget budget = MatchBudget.of(Duration.ofMillis(1), Duration.ofSeconds(1),
                    () -> nanos.getAndAdd(1_000_000));
            Outcome cut = space.deleteFound(catastrophic, candidates, changes, budget);
            assertThat(((Result.Matched) cut.result()).cutOff()).isEqualTo(CutOff.MATCH_BUDGET);
            assertThat(cut.effect().isEmpty()).isTrue();
        }
        assertThat(space.size()).isEqualTo(6);
        assertThat(get(space, "user,[123]", ".*").pairs()).hasSize(3);
        assertThat(space.digest()).isNotEqualTo(digest);
    }

    @Test
    void aRecorderMustBeThisSpacesAndOpen() {
        TupleSpace space = users();
        ChangeRecorder other = users().recordChanges();
        Result.Matched none = Result.Matched.of(List.of());
        assertThatThrownBy(() -> space.deleteFound(DELETE_USERS, none, other, MatchBudget.unlimited()))
                .isInstanceOf(IllegalArgumentException.class);
        ChangeRecorder closed = space.recordChanges();
        closed.close();
        apply(space, put("user,9", "ivy"));
        assertThat(closed.changedKeyCount()).isZero();
        assertThatThrownBy(() -> space.deleteFound(DELETE_USERS, none, closed, MatchBudget.unlimited()))
                .isInstanceOf(IllegalStateException.class);
        closed.close(); // twice: harmless
    }

    /**
     * Whatever updates come between the snapshot and the point of effect, a DELETE found on the snapshot does exactly
     * what the same DELETE evaluated at that point does: same answer, same effect, same state after.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aDeleteFoundOnASnapshotEqualsTheDeleteEvaluatedWhereItTakesEffect(int seed) {
        Random random = new Random(seed);
        TupleSpace space = new TupleSpace();
        TupleSpace twin = new TupleSpace();
        Consumer<Command> both = command -> {
            apply(space, command);
            apply(twin, command);
        };
        for (int i = 0; i < 300; i++) {
            both.accept(randomUpdate(random));
        }
        Command.Delete delete = new Command.Delete("k," + random.nextInt(10) + ".*", "v[" + random.nextInt(10) + "-9].*");
        try (ChangeRecorder changes = space.recordChanges()) {
            Result.Matched found = changes.snapshot().find(delete.keyexp(), delete.valexp(), MatchBudget.unlimited());
            for (int i = random.nextInt(100); i > 0; i--) {
                both.accept(randomUpdate(random));
            }
            Outcome twoSteps = space.deleteFound(delete, found, changes, MatchBudget.unlimited());
            Outcome direct = twin.apply(delete, MatchBudget.unlimited());
            assertThat(twoSteps).isEqualTo(direct);
        }
        assertThat(space.digest()).isEqualTo(twin.digest());
        assertThat(List.copyOf(space.pairs())).isEqualTo(List.copyOf(twin.pairs()));
    }

    static IntStream seeds() {
        return IntStream.range(0, 60);
    }

    private static Command randomUpdate(Random random) {
        String key = "k," + random.nextInt(200);
        String value = "v" + random.nextInt(100);
        return switch (random.nextInt(4)) {
            case 0, 1 -> put(key, value);
            case 2 -> post(key, value);
            default -> new Command.Delete(key, ".*");
        };
    }

    @Test
    void recordersSeeTheKeysOfEveryKindOfWrite() {
        TupleSpace space = users();
        try (ChangeRecorder changes = space.recordChanges()) {
            apply(space, put("user,4", "dave"), post("user,1", "al"), new Command.Delete("group,.*", ".*"));
            space.applyEffect(new Effect(List.of(tuplespace.tuple.Tuple.parse("user,2")),
                    List.of(Pair.of("user,7", "gil"))));
            apply(space, new Command.Delete("nobody", ".*"), put("user,4", "again")); // changes nothing
            List<String> keys = new ArrayList<>();
            changes.keys().forEach(key -> keys.add(StoredPairs.text(key)));
            assertThat(keys).containsExactly("group,1", "user,1", "user,2", "user,4", "user,7");
        }
    }
}
