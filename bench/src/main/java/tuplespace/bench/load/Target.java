package tuplespace.bench.load;

/** A system under load: opens connections ({@link Session}s) and preloads the keys GET and POST address. */
public interface Target {

    /** A short name for reports, e.g. {@code tuplespace PUT (sync)} or {@code redis SET+WAIT}. */
    String name();

    /** Opens connection number {@code index} (0-based). */
    Session open(int index);

    /** Makes the ids {@code 0..keyCount-1} present with values of {@code valueSize} characters. */
    void preload(int keyCount, int valueSize);

    /** Whether the target can serve this operation (Redis has no prefix GET). */
    boolean supports(Operation operation);

    /**
     * The processes that serve it, by name, as they are now (e.g. proxy, primary, backup): the load generator
     * reports each one's CPU time per operation over the measured window. Empty when they are not known.
     */
    java.util.Map<String, Long> processes();
}
