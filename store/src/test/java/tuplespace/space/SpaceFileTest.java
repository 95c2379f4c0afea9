package tuplespace.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.AbstractCollection;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tuplespace.tuple.Pair;

@Timeout(20)
class SpaceFileTest {

    @TempDir
    Path directory;

    private static TupleSpace sample() {
        TupleSpace space = new TupleSpace();
        space.applyEffect(new Effect(List.of(), List.of(Pair.of("user,1", "alice"), Pair.of("user,2", "bob,admin"),
                Pair.of("é,\uD835\uDC00", "٣,²"))));
        return space;
    }

    @Test
    void saveThenLoadGivesTheSameSpace() throws IOException {
        Path file = directory.resolve("space.json");
        TupleSpace space = sample();
        SpaceFile.save(file, space);
        TupleSpace loaded = SpaceFile.load(file);
        assertThat(loaded.digest()).isEqualTo(space.digest());
        assertThat(List.copyOf(loaded.pairs())).isEqualTo(List.copyOf(space.pairs()));
        assertThat(Files.readString(file)).startsWith("{\"format\":\"tuplespace/1\",\"pairs\":[[[\"user\",\"1\"],[\"alice\"]],");
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files).containsExactly(file); // no temporary file left behind
        }
    }

    /**
     * A process killed while it saved leaves its temporary file: the next save deletes it once it is old enough that
     * no save can still be writing it. A recent one, another file's, and anything else stay.
     */
    @Test
    void aSaveDeletesTheTemporaryFileAKilledSaveLeft() throws IOException {
        Path file = directory.resolve("space.json");
        Path killed = Files.writeString(directory.resolve(".space.json.1234567890.tmp"), "{\"format\":");
        Files.setLastModifiedTime(killed, FileTime.from(Instant.now().minus(SpaceFile.LEFTOVER_AGE).minusSeconds(60)));
        Path recent = Files.writeString(directory.resolve(".space.json.987.tmp"), "");
        Path another = Files.writeString(directory.resolve(".other.json.55.tmp"), "");
        Files.setLastModifiedTime(another, FileTime.from(Instant.now().minus(SpaceFile.LEFTOVER_AGE).minusSeconds(60)));

        SpaceFile.save(file, sample());

        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files).containsExactlyInAnyOrder(file, recent, another);
        }
    }

    @Test
    void theFormatOfSpec5IsRead() throws IOException {
        Path file = write("{\"pairs\":[[[\"user\",\"1\"],[\"alice\"]],[[\"user\",\"2\"],[\"bob\",\"admin\"]]],"
                + "\"format\":\"tuplespace/1\"}");
        TupleSpace space = SpaceFile.load(file);
        assertThat(space.size()).isEqualTo(2);
        assertThat(space.valueOf(tuplespace.tuple.Tuple.parse("user,2"))).contains(tuplespace.tuple.Tuple.parse("bob,admin"));
        assertThat(SpaceFile.load(write("{\"format\":\"tuplespace/1\",\"pairs\":[]}")).size()).isZero();
    }

    @Test
    void anEmptySpaceRoundTrips() throws IOException {
        Path file = directory.resolve("empty.json");
        SpaceFile.save(file, new TupleSpace());
        assertThat(SpaceFile.load(file).size()).isZero();
    }

    @Test
    void aFailedSaveLeavesTheOldFileWhole() throws IOException {
        Path file = directory.resolve("space.json");
        SpaceFile.save(file, sample());
        byte[] before = Files.readAllBytes(file);
        // the writer dies half-way through the pairs (as a crash or a full disk would stop it)
        AbstractCollection<Pair> failing = new AbstractCollection<>() {
            @Override
            public Iterator<Pair> iterator() {
                return Stream.<Pair>iterate(Pair.of("k,1", "v"), p -> {
                    throw new IllegalStateException("disk on fire");
                }).iterator();
            }

            @Override
            public int size() {
                return 2;
            }
        };
        assertThatThrownBy(() -> SpaceFile.save(file, failing)).hasMessageContaining("disk on fire");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(SpaceFile.load(file).digest()).isEqualTo(sample().digest());
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void aSaveIntoAMissingDirectoryNamesTheFileAndTheDirectoryNotATemporaryFile() {
        Path file = directory.resolve("missing").resolve("space.json");
        assertThatThrownBy(() -> SpaceFile.save(file, sample())).isInstanceOf(SpaceFileException.class)
                .hasMessage(file + ": cannot save the space: its directory " + file.getParent() + " does not exist")
                .satisfies(e -> assertThat(((SpaceFileException) e).problem())
                        .isEqualTo("its directory " + file.getParent() + " does not exist"));
    }

    @Test
    void aDirectoryWhereNoFileCanBeCreatedIsNamedNotTheTemporaryFile() {
        Path proc = Path.of("/proc"); // Linux: a directory that takes no new file, even from root
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(proc), "no /proc here");
        Path file = proc.resolve("space.json");
        assertThatThrownBy(() -> SpaceFile.save(file, sample())).isInstanceOf(SpaceFileException.class)
                .hasMessageStartingWith(file + ": cannot save the space: cannot create a file in its directory /proc: ")
                .hasMessageNotContaining(".tmp");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "{\"format\":\"tuplespace/2\",\"pairs\":[]} | expected \"format\" to be \"tuplespace/1\", found the string \"tuplespace/2\" at line 1, column 11",
        "{\"pairs\":[]} | expected a \"format\" field with \"tuplespace/1\", found none",
        "{\"format\":\"tuplespace/1\"} | expected a \"pairs\" field (a list of [key, value] pairs), found none",
        "[] | expected a JSON object {\"format\":\"tuplespace/1\",\"pairs\":[...]}, found a list",
        "'' | expected a JSON object",
        "{\"format\":\"tuplespace/1\",\"pairs\":[],\"extra\":1} | unexpected field \"extra\" (expected \"format\" and \"pairs\")",
        "{\"format\":\"tuplespace/1\",\"pairs\":{}} | expected \"pairs\" to be a list of [key, value] pairs, found an object",
        "{\"format\":\"tuplespace/1\",\"pairs\":[[[\"a\"],[\"b\"]],[[\"a\"],[\"c\"]]]} | duplicate key a at pairs[1] (line 1, column 49)",
        "{\"format\":\"tuplespace/1\",\"pairs\":[[[\"a\"],[\"b\"]],[[\"a b\"],[\"c\"]]]} | invalid tuple at pairs[1] key (line 1, column 50): expected field 1 to hold only letters and digits",
        "{\"format\":\"tuplespace/1\",\"pairs\":[[[\"a\"],[\"\"]]]} | invalid tuple at pairs[0] value",
        "{\"format\":\"tuplespace/1\",\"pairs\":[[[\"a\"],[5]]]} | invalid tuple at pairs[0] value (line 1, column 42): expected field 1 to be a string, found 5",
        "{\"format\":\"tuplespace/1\",\"pairs\":[[[\"a\"],[\"b\"],[\"c\"]]]} | expected pairs[0] to have exactly two elements, key and value, found a list",
        "{\"format\":\"tuplespace/1\",\"pairs\":[[[\"a\"]]]} | expected pairs[0] value to be a tuple (a list of fields), found the end of the list",
        "{\"format\":\"tuplespace/1\",\"pairs\":[\"a\"]} | expected pairs[0] to be a [key, value] pair, found the string \"a\"",
        "{\"format\":\"tuplespace/1\",\"pairs\":[[[\"a\"],[\"b\"]] | not valid JSON at line 1, column",
        "{\"format\":\"tuplespace/1\",\"format\":\"tuplespace/1\",\"pairs\":[]} | not valid JSON at line 1, column",
    })
    void aMalformedFileIsRefusedNamingTheFileAndTheProblem(String content, String problem) throws IOException {
        Path file = write(content);
        assertThatThrownBy(() -> SpaceFile.load(file)).isInstanceOf(SpaceFileException.class)
                .hasMessageStartingWith(file.toString() + ": ")
                .hasMessageContaining(problem);
    }

    @Test
    void notJsonNamesLineAndColumn() throws IOException {
        Path file = write("{\"format\":\"tuplespace/1\",\n\"pairs\":[[[\"a\"],[\"b\"]]]}}");
        assertThatThrownBy(() -> SpaceFile.load(file)).isInstanceOf(SpaceFileException.class)
                .hasMessageStartingWith(file + ": not valid JSON at line 2, column 25: Unexpected close marker");
    }

    @Test
    void aMissingFileIsNamed() {
        Path file = directory.resolve("nope.json");
        assertThatThrownBy(() -> SpaceFile.load(file)).isInstanceOf(SpaceFileException.class)
                .hasMessage(file + ": cannot read the file: it does not exist");
    }

    @Test
    void aDirectoryIsNotASpaceFile() {
        assertThatThrownBy(() -> SpaceFile.load(directory)).isInstanceOf(SpaceFileException.class)
                .hasMessageStartingWith(directory + ": cannot read the file");
    }

    private Path write(String content) throws IOException {
        Path file = Files.createTempFile(directory, "init", ".json");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }
}
