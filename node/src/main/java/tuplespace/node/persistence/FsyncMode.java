package tuplespace.node.persistence;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * When the write-ahead log forces its file to the disk ({@code --fsync}), and so what an acknowledged write survives
 * (docs/internals.md "Files"). Every mode survives {@code kill -9} of every process: a written entry is in the
 * operating system's hands. They differ on a power cut or a kernel crash.
 */
public enum FsyncMode {

    /** Forced before the entries count as logged (group commit: one force per batch): a power cut loses nothing acknowledged. */
    ALWAYS("always"),
    /** Counted as logged once written, forced about once a second: a power cut loses at most about the last second or two. */
    EVERYSEC("everysec"),
    /** Counted as logged once written, forced only when a segment is closed: a power cut loses what the OS had not written back. */
    NO("no");

    private final String optionName;

    FsyncMode(String optionName) {
        this.optionName = optionName;
    }

    /** The word on the command line and in STATUS. */
    public String optionName() {
        return optionName;
    }

    /** The mode named {@code name} on the command line. */
    public static FsyncMode parse(String name) {
        for (FsyncMode mode : values()) {
            if (mode.optionName.equals(name)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("--fsync: expected one of " + Arrays.stream(values())
                .map(FsyncMode::optionName).collect(Collectors.joining(", ")) + ", found '" + name + "'");
    }

    /** The highest index this mode lets the node count as logged (and so answer), given the log's progress. */
    public long logged(LogProgress progress) {
        return this == ALWAYS ? progress.forced() : progress.written();
    }
}
