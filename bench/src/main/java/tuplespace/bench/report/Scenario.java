package tuplespace.bench.report;

import tuplespace.bench.load.OperationMix;

/** The throughput runs of the suite: which system, which operations, which pipeline depth. */
public enum Scenario {
    REDIS_SET_P1("redis", "SET", OperationMix.writesOnly(), 1, false),
    REDIS_SET_WAIT_P1("redis", "SET + WAIT 1 0", OperationMix.writesOnly(), 1, true),
    REDIS_SET_P16("redis", "SET", OperationMix.writesOnly(), 16, false),
    REDIS_SET_WAIT_P16("redis", "SET + WAIT 1 0", OperationMix.writesOnly(), 16, true),
    REDIS_GET_P1("redis", "GET", OperationMix.exactGetsOnly(), 1, false),
    REDIS_GET_P16("redis", "GET", OperationMix.exactGetsOnly(), 16, false),
    TUPLESPACE_PUT_P1("tuplespace", "PUT (sync)", OperationMix.writesOnly(), 1, true),
    TUPLESPACE_PUT_P16("tuplespace", "PUT (sync)", OperationMix.writesOnly(), 16, true),
    TUPLESPACE_GET_P1("tuplespace", "exact GET", OperationMix.exactGetsOnly(), 1, true),
    TUPLESPACE_GET_P16("tuplespace", "exact GET", OperationMix.exactGetsOnly(), 16, true),
    TUPLESPACE_ASYNC_PUT_P1("tuplespace-async", "PUT (async)", OperationMix.writesOnly(), 1, false),
    TUPLESPACE_ASYNC_PUT_P16("tuplespace-async", "PUT (async)", OperationMix.writesOnly(), 16, false),
    // The durable part (--only durable): data on this machine's disk, never tmpfs; its memory-only runs are scenarios
    // of their own, so that the durable ratios compare runs made side by side, in the same rounds, and the throughput
    // part keeps its figure.
    TUPLESPACE_MEMORY_PUT_P1("tuplespace-memory", "PUT (sync, memory only, beside the durable runs)",
            OperationMix.writesOnly(), 1, true),
    REDIS_AOF_ALWAYS_SET_WAIT_P1("redis-aof-always", "SET + WAIT 1 0 (appendonly yes, appendfsync always)",
            OperationMix.writesOnly(), 1, true),
    TUPLESPACE_FSYNC_ALWAYS_PUT_P1("tuplespace-fsync-always", "PUT (sync, --data-dir, --fsync always)",
            OperationMix.writesOnly(), 1, true),
    TUPLESPACE_FSYNC_EVERYSEC_PUT_P1("tuplespace-fsync-everysec", "PUT (sync, --data-dir, --fsync everysec)",
            OperationMix.writesOnly(), 1, true);

    private final String system;
    private final String operation;
    private final OperationMix mix;
    private final int pipelineDepth;
    private final boolean synchronousReplication;

    Scenario(String system, String operation, OperationMix mix, int pipelineDepth, boolean synchronousReplication) {
        this.system = system;
        this.operation = operation;
        this.mix = mix;
        this.pipelineDepth = pipelineDepth;
        this.synchronousReplication = synchronousReplication;
    }

    public String system() {
        return system;
    }

    public String operation() {
        return operation;
    }

    public OperationMix mix() {
        return mix;
    }

    public int pipelineDepth() {
        return pipelineDepth;
    }

    /** Redis: WAIT after each write; tuplespace: the node's replication mode. */
    public boolean synchronousReplication() {
        return synchronousReplication;
    }

    public String label() {
        return system + " " + operation + ", pipeline " + pipelineDepth;
    }
}
