package tuplespace.space;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/**
 * The space as a file (README "Running it"): {@code {"format":"tuplespace/1","pairs":[[key,value],...]}}, keys and
 * values as lists of fields. Read and written by streaming, so a large space never exists twice in memory.
 *
 * <p>Saving is atomic (README "Running it": a crash never leaves a half-written file): the pairs go to a temporary file
 * in the same directory, which is flushed to disk, moved over the target in one step, and the directory is flushed so
 * the rename itself survives a crash. Reading is strict: a file with a wrong format tag, a duplicate key or a pair that
 * is not well formed is refused with a message naming the file, the place and the problem, since starting from a
 * silently different space is worse than not starting.
 */
public final class SpaceFile {

    /** The format tag this version reads and writes. */
    public static final String FORMAT = "tuplespace/1";
    /** How long a temporary file of a save must have been left untouched to count as a killed save's. */
    static final Duration LEFTOVER_AGE = Duration.ofMinutes(10);

    private static final String FORMAT_FIELD = "format";
    private static final String PAIRS_FIELD = "pairs";

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private SpaceFile() {
    }

    /** Reads a space file into a new space. */
    public static TupleSpace load(Path file) throws SpaceFileException {
        TupleSpace space = new TupleSpace();
        try (InputStream in = Files.newInputStream(file); JsonParser parser = JSON.createParser(in)) {
            new Reader(file, parser, space).readDocument();
        } catch (SpaceFileException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw new SpaceFileException(file, "not valid JSON at " + where(e.getLocation()) + ": "
                    + e.getOriginalMessage(), e);
        } catch (NoSuchFileException e) {
            throw new SpaceFileException(file, "cannot read the file: it does not exist", e);
        } catch (AccessDeniedException e) {
            throw new SpaceFileException(file, "cannot read the file: permission denied", e);
        } catch (IOException e) {
            throw new SpaceFileException(file, "cannot read the file: " + IoFailure.describe(e), e);
        }
        return space;
    }

    /** Writes every pair of {@code space} to {@code file}, atomically. */
    public static void save(Path file, TupleSpace space) throws SpaceFileException {
        save(file, space.pairs());
    }

    /**
     * Writes {@code pairs} to {@code file}, atomically: the old file stays whole until the new one is on disk. A
     * temporary file of an earlier save of {@code file} that was killed before it ended is deleted once this one is.
     */
    public static void save(Path file, Collection<Pair> pairs) throws SpaceFileException {
        Path absolute = file.toAbsolutePath();
        Path directory = absolute.getParent();
        if (!Files.isDirectory(directory)) {
            // not the temporary file's NoSuchFileException: that names a file the operator never asked for
            throw SpaceFileException.cannotSave(file, "its directory " + directory
                    + (Files.exists(directory) ? " is not a directory" : " does not exist"), null);
        }
        Path temporary = null;
        boolean created = false;
        try {
            temporary = Files.createTempFile(directory, "." + absolute.getFileName() + ".", ".tmp");
            created = true;
            write(temporary, pairs);
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temporary = null;
            forceDirectory(directory);
            deleteLeftovers(absolute);
        } catch (IOException e) {
            // the reason alone: the temporary file a failure names is not one the operator chose
            throw SpaceFileException.cannotSave(file, !created
                    ? "cannot create a file in its directory " + directory + ": " + IoFailure.reason(e)
                    : IoFailure.reason(e), e);
        } finally {
            deleteQuietly(temporary);
        }
    }

    private static void write(Path temporary, Collection<Pair> pairs) throws IOException {
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            JsonGenerator generator = JSON.createGenerator(out);
            generator.writeStartObject();
            generator.writeStringField(FORMAT_FIELD, FORMAT);
            generator.writeArrayFieldStart(PAIRS_FIELD);
            for (Pair pair : pairs) {
                generator.writeStartArray();
                writeTuple(generator, pair.key());
                writeTuple(generator, pair.value());
                generator.writeEndArray();
            }
            generator.writeEndArray();
            generator.writeEndObject();
            generator.writeRaw('\n');
            generator.flush(); // flushes the buffered stream too, without closing the channel
            channel.force(true);
        }
    }

    private static void writeTuple(JsonGenerator generator, Tuple tuple) throws IOException {
        generator.writeStartArray();
        for (String field : tuple.fields()) {
            generator.writeString(field);
        }
        generator.writeEndArray();
    }

    /** Makes the rename durable. Some platforms cannot open a directory; there the rename is as durable as it gets. */
    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // not supported here (e.g. Windows): nothing more can be done
        }
    }

    private static void deleteQuietly(Path temporary) {
        if (temporary == null) {
            return;
        }
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            // a stray temporary file is harmless: its name starts with '.' and ends with .tmp
        }
    }

    /**
     * Deletes the temporary files of earlier saves of {@code file} left by a process killed while it saved: those not
     * written to for {@link #LEFTOVER_AGE}, far past the time any save in progress takes. Best effort.
     */
    private static void deleteLeftovers(Path file) {
        String prefix = "." + file.getFileName() + ".";
        FileTime before = FileTime.from(Instant.now().minus(LEFTOVER_AGE));
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(file.getParent(), prefix + "*.tmp")) {
            for (Path leftover : leftovers) {
                if (Files.isRegularFile(leftover, LinkOption.NOFOLLOW_LINKS)
                        && Files.getLastModifiedTime(leftover, LinkOption.NOFOLLOW_LINKS).compareTo(before) < 0) {
                    deleteQuietly(leftover);
                }
            }
        } catch (IOException | RuntimeException e) {
            // a stray temporary file is harmless: its name starts with '.' and ends with .tmp
        }
    }

    static String where(JsonLocation location) {
        return location == null ? "an unknown place"
                : "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /**
     * Streams one document into a space, checking everything the data model and the file format require
     * (docs/protocol.md "The data", README "Running it").
     */
    private static final class Reader {
        private final Path file;
        private final JsonParser parser;
        private final TupleSpace space;

        Reader(Path file, JsonParser parser, TupleSpace space) {
            this.file = file;
            this.parser = parser;
            this.space = space;
        }

        void readDocument() throws IOException {
            expect(parser.nextToken() == JsonToken.START_OBJECT, "a JSON object {\"format\":\"" + FORMAT
                    + "\",\"pairs\":[...]}");
            boolean formatSeen = false;
            boolean pairsSeen = false;
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String name = parser.currentName();
                parser.nextToken();
                if (FORMAT_FIELD.equals(name)) {
                    readFormat();
                    formatSeen = true;
                } else if (PAIRS_FIELD.equals(name)) {
                    readPairs();
                    pairsSeen = true;
                } else {
                    throw problem("unexpected field \"" + name + "\" (expected \"format\" and \"pairs\")");
                }
            }
            if (!formatSeen) {
                throw new SpaceFileException(file, "expected a \"format\" field with \"" + FORMAT + "\", found none");
            }
            if (!pairsSeen) {
                throw new SpaceFileException(file, "expected a \"pairs\" field (a list of [key, value] pairs), found none");
            }
            JsonToken trailing = parser.nextToken();
            expect(trailing == null, "the end of the file after the JSON object");
        }

        private void readFormat() throws IOException {
            if (parser.currentToken() != JsonToken.VALUE_STRING || !FORMAT.equals(parser.getText())) {
                throw problem("expected \"format\" to be \"" + FORMAT + "\", found " + found());
            }
        }

        private void readPairs() throws IOException {
            expect(parser.currentToken() == JsonToken.START_ARRAY, "\"pairs\" to be a list of [key, value] pairs");
            int index = 0;
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                JsonLocation at = parser.currentTokenLocation();
                String what = "pairs[" + index + "]";
                expect(parser.currentToken() == JsonToken.START_ARRAY, what + " to be a [key, value] pair");
                parser.nextToken();
                Tuple key = readTuple(what + " key");
                parser.nextToken();
                Tuple value = readTuple(what + " value");
                expect(parser.nextToken() == JsonToken.END_ARRAY, what + " to have exactly two elements, key and value");
                if (space.containsKey(key.text())) {
                    throw new SpaceFileException(file, "duplicate key " + key.text() + " at " + what + " ("
                            + where(at) + "): a key appears at most once in a space");
                }
                space.store(key, value);
                index++;
            }
        }

        private Tuple readTuple(String what) throws IOException {
            JsonLocation at = parser.currentTokenLocation();
            expect(parser.currentToken() == JsonToken.START_ARRAY, what + " to be a tuple (a list of fields)");
            List<String> fields = new ArrayList<>();
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                if (token != JsonToken.VALUE_STRING) {
                    throw new SpaceFileException(file, "invalid tuple at " + what + " (" + where(at)
                            + "): expected field " + (fields.size() + 1) + " to be a string, found " + found());
                }
                fields.add(parser.getText());
            }
            Optional<String> problem = Tuple.problemWith(fields);
            if (problem.isPresent()) {
                throw new SpaceFileException(file, "invalid tuple at " + what + " (" + where(at) + "): " + problem.get());
            }
            return new Tuple(fields);
        }

        private void expect(boolean condition, String expected) throws IOException {
            if (!condition) {
                throw problem("expected " + expected + ", found " + found());
            }
        }

        private SpaceFileException problem(String message) {
            return new SpaceFileException(file, message + " at " + where(parser.currentTokenLocation()));
        }

        private String found() {
            JsonToken token = parser.currentToken();
            if (token == null) {
                return "the end of the file";
            }
            return switch (token) {
                case START_OBJECT -> "an object";
                case START_ARRAY -> "a list";
                case END_ARRAY -> "the end of the list";
                case END_OBJECT -> "the end of the object";
                case VALUE_STRING -> "the string \"" + safeText() + "\"";
                case VALUE_NULL -> "null";
                default -> safeText();
            };
        }

        private String safeText() {
            try {
                String text = parser.getText();
                return text.length() > 40 ? text.substring(0, 40) + "..." : text;
            } catch (IOException e) {
                return "an unreadable value";
            }
        }
    }
}
