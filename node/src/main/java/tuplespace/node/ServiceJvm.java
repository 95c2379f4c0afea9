package tuplespace.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The JVM options every process of the service starts with, from the fat jar at {@code classPath}: the class-data
 * archive beside it ({@link ClassArchive}), huge pages where the kernel gives them on request ({@link HugePages}), an
 * exit when the heap runs out ({@link OutOfMemoryExit}), for a server prompt tenuring ({@link PromptTenuring}), C2
 * later ({@link LateOptimization}) and a 1 GiB initial heap ({@link InitialHeap}), then the operator's
 * {@code javaOptions} (last, so that they win).
 * The primary starts its backup with them, the demo each process, the bench the service it measures; the
 * {@code tuplespace} script applies the same rules itself.
 */
public final class ServiceJvm {

    /** What the JVM runs: the rules differ where what it keeps in memory differs. */
    public enum Program {
        PROXY, SERVER
    }

    private ServiceJvm() {
    }

    public static List<String> options(Program program, String classPath, List<String> javaOptions) {
        return options(program, classPath, javaOptions, HugePages.kernelMode(), InitialHeap::machineMemory);
    }

    /**
     * As {@link #options(Program, String, List)}, the kernel's huge-page mode ({@link HugePages#options(List,
     * Optional)}) and the machine's memory in bytes ({@link InitialHeap#options(List, long)}), read for a server only,
     * given.
     */
    static List<String> options(Program program, String classPath, List<String> javaOptions,
                                Optional<String> kernelMode, LongSupplier machineMemory) {
        List<String> options = new ArrayList<>(ClassArchive.options(classPath, javaOptions));
        options.addAll(HugePages.options(javaOptions, kernelMode));
        options.addAll(OutOfMemoryExit.options(javaOptions));
        if (program == Program.SERVER) {
            options.addAll(PromptTenuring.options(javaOptions));
            options.addAll(LateOptimization.options(javaOptions));
            options.addAll(InitialHeap.options(javaOptions, machineMemory.getAsLong()));
        }
        options.addAll(javaOptions);
        return options;
    }
}
