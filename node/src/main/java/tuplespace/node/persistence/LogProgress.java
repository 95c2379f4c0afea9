package tuplespace.node.persistence;

/**
 * How far the write-ahead log has got: every entry up to {@code written} is in a trusted file in the operating
 * system's hands (it survives {@code kill -9}), every entry up to {@code forced} is on the disk (it survives a power
 * cut); {@code forced <= written}. {@code logBytes} is the size of the records of every segment (with
 * {@link FsyncMode#ALWAYS} the file being written is up to a reserve larger, see {@link Segment}), which
 * {@link Checkpoints} compares with the snapshot's. {@link FsyncMode#logged} says which index the node may answer up to.
 */
public record LogProgress(long written, long forced, long logBytes) {
    public LogProgress {
        if (forced > written) {
            throw new IllegalArgumentException("expected forced <= written, found forced " + forced + " > written " + written);
        }
    }
}
