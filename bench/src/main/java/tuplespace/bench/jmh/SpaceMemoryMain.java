package tuplespace.bench.jmh;

import tuplespace.space.TupleSpace;

/**
 * Rough heap cost of one pair in the space: fills 1,000,000 pairs keyed {@code bench,<i>} (as the bench harness's
 * memory figure is) with one-field, 20-character values and compares used heap after GC before and after. Not a
 * benchmark and not a test (no assertion): a figure for the report.
 *
 * <p>Run: {@code java -Xmx1g -cp bench/target/benchmarks.jar tuplespace.bench.jmh.SpaceMemoryMain [pairs]}.
 */
public final class SpaceMemoryMain {

    private SpaceMemoryMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        long before = usedAfterGc();
        TupleSpace space = SpaceFixtures.oneField(pairs);
        long after = usedAfterGc();
        System.out.printf("%d pairs: %.1f MiB, %.1f bytes per pair (digest %x)%n", space.size(),
                (after - before) / 1048576.0, (after - before) / (double) space.size(), space.digest());
    }

    private static long usedAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
