package tuplespace.node;

import java.io.IOException;
import java.nio.file.Path;
import tuplespace.space.SpaceSnapshot;
import tuplespace.space.TupleSpace;

/**
 * Loading INIT_FILE and saving SAVE_FILE (README "Running it"), behind an interface so the node can be tested without
 * files.
 */
public interface SpacePersistence {

    /** Reads a saved space; the exception's message names the file and the problem. */
    TupleSpace load(Path file) throws IOException;

    /**
     * Writes the space as of {@code space} atomically: a crash leaves the old file or the new one, never half of one.
     * Called off the node's loop (the snapshot does not change).
     */
    void save(Path file, SpaceSnapshot space) throws IOException;
}
