package tuplespace.node.persistence;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** A file channel whose writes and forces go through a {@link FaultyDisk} first, which counts them or makes them fail. */
final class FaultyChannel extends FileChannel {

    private final FileChannel delegate;
    private final FaultyDisk disk;
    private final Path path;
    private long forcedSize;
    /** What was written since the last force, as {offset, length}: a failed force loses it. */
    private final List<long[]> unforced = new ArrayList<>();
    private int writesAfterFailure;
    private boolean failed;

    FaultyChannel(FileChannel delegate, FaultyDisk disk, Path path) {
        this.delegate = delegate;
        this.disk = disk;
        this.path = path;
    }

    Path path() {
        return path;
    }

    /** Writes asked of this channel after one of its writes or forces failed (a trusted-again file would get some). */
    int writesAfterFailure() {
        return writesAfterFailure;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        return write(source, OptionalLong.empty());
    }

    @Override
    public int write(ByteBuffer source, long position) throws IOException {
        return write(source, OptionalLong.of(position));
    }

    /** At {@code position}, or at the channel's position when there is none. */
    private int write(ByteBuffer source, OptionalLong position) throws IOException {
        if (failed) {
            writesAfterFailure++;
        }
        IOException failure = disk.writeFailure(this, position.isPresent());
        if (failure != null) {
            failed = true;
            // A full disk takes part of a write, then refuses the rest.
            ByteBuffer half = source.duplicate().limit(source.position() + source.remaining() / 2);
            source.position(source.position() + delegateWrite(half, position));
            throw failure;
        }
        return delegateWrite(source, position);
    }

    private int delegateWrite(ByteBuffer source, OptionalLong position) throws IOException {
        long at = position.isPresent() ? position.getAsLong() : delegate.position();
        int written = position.isPresent() ? delegate.write(source, at) : delegate.write(source);
        unforced.add(new long[] {at, written});
        return written;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        IOException failure = disk.forceFailure(this);
        if (failure != null) {
            failed = true;
            // fsyncgate: the pages that failed to reach the disk are dropped; what is on disk is what the last force put
            // (zeros where a write since went into space the file had, as into the space a segment reserves).
            for (long[] write : unforced) {
                delegate.write(ByteBuffer.allocate((int) write[1]), write[0]);
            }
            unforced.clear();
            delegate.truncate(forcedSize);
            throw failure;
        }
        delegate.force(metaData);
        unforced.clear();
        forcedSize = delegate.size();
        disk.forced(this);
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        return delegate.read(destination);
    }

    @Override
    public long read(ByteBuffer[] destinations, int offset, int length) throws IOException {
        return delegate.read(destinations, offset, length);
    }

    @Override
    public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += write(sources[i]);
        }
        return total;
    }

    @Override
    public long position() throws IOException {
        return delegate.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        delegate.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return delegate.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        delegate.truncate(size);
        return this;
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return delegate.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel source, long position, long count) throws IOException {
        throw new UnsupportedOperationException("not used by the log");
    }

    @Override
    public int read(ByteBuffer destination, long position) throws IOException {
        return delegate.read(destination, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        throw new UnsupportedOperationException("not used by the log");
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return delegate.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return delegate.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        delegate.close();
    }
}
