package tuplespace.it;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted for one test, to make a disk run full for real (ENOSPC from the kernel, not a mock). Needs
 * root; where mounting is refused the test is skipped with the reason. Closing unmounts it, also when the test failed.
 */
final class SmallTmpfs implements AutoCloseable {

    private final Path mountPoint;

    private SmallTmpfs(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code size} (mount's syntax: 32k, 8m) on the existing directory {@code mountPoint}. */
    static SmallTmpfs mountOrSkip(Path mountPoint, String size) throws IOException, InterruptedException {
        String failure = SystemCommand.run(List.of("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", mountPoint.toString()));
        Assumptions.assumeTrue(failure == null,
                () -> "skipped: cannot mount a " + size + " tmpfs on " + mountPoint + " (needs root): " + failure);
        return new SmallTmpfs(mountPoint);
    }

    /** Grows (or shrinks) the file system in place; what it holds stays. */
    void resize(String size) throws IOException, InterruptedException {
        String failure = SystemCommand.run(List.of("mount", "-o", "remount,size=" + size, mountPoint.toString()));
        if (failure != null) {
            throw new AssertionError("cannot resize the tmpfs on " + mountPoint + " to " + size + ": " + failure);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        String failure = SystemCommand.run(List.of("umount", mountPoint.toString()));
        if (failure != null) {
            // a process of the test may still hold a file there: detach now, the kernel frees it when released
            SystemCommand.run(List.of("umount", "-l", mountPoint.toString()));
        }
    }
}
