package tuplespace.node.persistence;

import java.nio.file.Path;

/**
 * A snapshot file on disk: the state after entry {@code index} of {@code epoch}, the space's digest and pair count, the
 * answer table's entry count, and the file's size.
 */
public record SnapshotInfo(Path file, long index, long epoch, long digest, long pairs, int answers, long bytes) {
}
