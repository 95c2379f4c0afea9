package tuplespace.codec.netty;

/**
 * Netty's process-wide settings that our processes choose, each only when the command line did not set its property
 * ({@code -Dname=value} wins). Netty reads them once, when its first class that allocates is initialised, so
 * {@link #applyUnlessAsked} comes first thing in {@code main}.
 * <ul>
 *   <li>The JFR events of its buffer allocator, off ({@code io.netty.jfr.enabled=true} turns them on). With them on,
 *       a JVM's first pooled allocation registers the events with JFR (its metadata repository: 60-100 ms of a cold
 *       JVM, seen in a backup's first read of its snapshot and in a restarted primary's recovery), whether or not
 *       anything records them.</li>
 *   <li>The buffer leak detector, off ({@code io.netty.leakDetection.level=simple}, {@code advanced} or
 *       {@code paranoid} turns it on, to look for a leak). At Netty's default it records a stack trace for about one
 *       buffer in 128 and checks it on release: 4-6% of the proxy's CPU and 2-3% of the primary's at 50 clients
 *       pipelining 16 exact GETs. It only reports a leak in the log; it never stops one.</li>
 * </ul>
 */
public final class NettyDefaults {

    static final String JFR = "io.netty.jfr.enabled";
    static final String LEAK_DETECTION = "io.netty.leakDetection.level";
    /** The name Netty still reads for the level when the current one is not set. */
    private static final String LEAK_DETECTION_OLD = "io.netty.leakDetectionLevel";

    private NettyDefaults() {
    }

    /** Applies our defaults where the command line set nothing; call first thing in {@code main}. */
    public static void applyUnlessAsked() {
        setUnlessAsked(JFR, "false");
        if (System.getProperty(LEAK_DETECTION_OLD) == null) {
            setUnlessAsked(LEAK_DETECTION, "disabled");
        }
    }

    private static void setUnlessAsked(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
