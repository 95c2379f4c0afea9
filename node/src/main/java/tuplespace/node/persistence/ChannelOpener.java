package tuplespace.node.persistence;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * Opens the files this package writes (log segments, snapshots). Production opens them as they are; a test wraps the
 * channel to count forces or to fail a write or a force the way a sick disk does ("No space left on device", an fsync
 * that reports EIO).
 */
@FunctionalInterface
public interface ChannelOpener {

    ChannelOpener DEFAULT = FileChannel::open;

    FileChannel open(Path file, Set<? extends OpenOption> options) throws IOException;
}
