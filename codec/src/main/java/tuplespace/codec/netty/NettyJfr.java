package tuplespace.codec.netty;

/**
 * Netty's JFR events of its buffer allocator, off in our processes unless asked for with
 * {@code -Dio.netty.jfr.enabled=true}. With them on, a JVM's first pooled allocation registers the events with JFR (its
 * metadata repository: 60-100 ms of a cold JVM, seen in a backup's first read of its snapshot and in a restarted
 * primary's recovery), whether or not anything records them.
 */
public final class NettyJfr {

    /** The property Netty reads once, when its first class that allocates is initialised. */
    static final String PROPERTY = "io.netty.jfr.enabled";

    private NettyJfr() {
    }

    /** Turns the events off unless the command line set the property; call first thing in {@code main}. */
    public static void offUnlessAsked() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, "false");
        }
    }
}
