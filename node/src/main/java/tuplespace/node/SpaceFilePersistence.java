package tuplespace.node;

import java.io.IOException;
import java.nio.file.Path;
import tuplespace.space.SpaceFile;
import tuplespace.space.SpaceSnapshot;
import tuplespace.space.TupleSpace;

/** SAVE_FILE and INIT_FILE through the store's {@link SpaceFile} (README "Running it"; atomic save). */
final class SpaceFilePersistence implements SpacePersistence {

    @Override
    public TupleSpace load(Path file) throws IOException {
        return SpaceFile.load(file);
    }

    @Override
    public void save(Path file, SpaceSnapshot space) throws IOException {
        SpaceFile.save(file, space.pairs());
    }
}
