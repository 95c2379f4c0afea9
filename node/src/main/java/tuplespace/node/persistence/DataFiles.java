package tuplespace.node.persistence;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of the files in a node directory and the few file-system steps every writer here shares. Indexes in
 * names have 19 digits (any long), so names sort as their indexes do (an operator's {@code ls} shows the log in order).
 */
final class DataFiles {

    /** A file in a node directory named for an index: a log segment (its first entry) or a snapshot (its last). */
    record Numbered(Path path, long index) {
    }

    private static final Pattern SEGMENT = Pattern.compile("wal-(\\d{19})\\.log");
    private static final Pattern SNAPSHOT = Pattern.compile("snapshot-(\\d{19})\\.snap");
    /** A file being written: renamed into place once whole, so a crash leaves only these behind. */
    private static final String TEMPORARY_SUFFIX = ".tmp";

    private DataFiles() {
    }

    static Path segment(Path directory, long firstIndex) {
        return directory.resolve(String.format("wal-%019d.log", firstIndex));
    }

    static Path snapshot(Path directory, long index) {
        return directory.resolve(String.format("snapshot-%019d.snap", index));
    }

    /** Where {@code file} is written before it is renamed into place: a name no listing here takes for a data file. */
    static Path temporary(Path file) {
        return file.resolveSibling(file.getFileName() + TEMPORARY_SUFFIX);
    }

    /** The log segments of {@code directory}, by first index. */
    static List<Numbered> segments(Path directory) throws IOException {
        return numbered(directory, SEGMENT);
    }

    /** The snapshots of {@code directory}, by index (the newest last). */
    static List<Numbered> snapshots(Path directory) throws IOException {
        return numbered(directory, SNAPSHOT);
    }

    /** Deletes what a crash left half-written; returns the paths deleted. */
    static List<Path> deleteTemporaries(Path directory) throws IOException {
        List<Path> deleted = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + TEMPORARY_SUFFIX)) {
            for (Path file : files) {
                Files.delete(file);
                deleted.add(file);
            }
        }
        return deleted;
    }

    /**
     * Moves the whole, forced {@code temporary} over {@code target} in one step and forces the directory, so that
     * after a crash there is the old file or the new one, never part of one, and the new name survives.
     */
    static void renameIntoPlace(Path temporary, Path target) throws IOException {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(target.getParent());
    }

    /** Writes all of {@code bytes} (a channel may take part of them per call). */
    static void writeFully(FileChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    /** Deletes a temporary file after a failed write; one left behind is deleted at the next start. */
    static void deleteQuietly(Path temporary) {
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            // Recovery deletes it
        }
    }

    /** Makes a directory's entries (a new, renamed or deleted file) durable. */
    static void forceDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static List<Numbered> numbered(Path directory, Pattern name) throws IOException {
        List<Numbered> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                Matcher matcher = name.matcher(file.getFileName().toString());
                if (matcher.matches()) {
                    found.add(new Numbered(file, Long.parseLong(matcher.group(1))));
                }
            }
        }
        found.sort(Comparator.comparingLong(Numbered::index));
        return found;
    }
}
