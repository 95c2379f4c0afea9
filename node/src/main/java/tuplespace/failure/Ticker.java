package tuplespace.failure;

/** A monotonic clock in nanoseconds, injected so failure detection can be tested with virtual time. */
@FunctionalInterface
public interface Ticker {

    Ticker SYSTEM = System::nanoTime;

    long nanos();
}
