package tuplespace.demo;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import tuplespace.node.persistence.FsyncMode;

/** What the demo prints once the service answers: who runs where, how to use it, how to break it, how to stop it. */
record DemoBanner(DemoPorts ports, Path saveFile, boolean loaded, Optional<Data> data, boolean restarted) {

    /** The nodes' data directory, and when their logs are forced (the primary's {@code --fsync}, its backup's too). */
    record Data(Path directory, FsyncMode fsync) {
    }

    /** The first line; scripts and tests wait for it. */
    static final String READY_LINE = "tuplespace demo is running";

    void print(PrintWriter out, ServiceStatus status) {
        String client = ports.sap(ports.clientPort());
        String shutdown = ports.sap(ports.proxyShutdownPort());
        String primaryPid = status.primaryPid().isPresent() ? "" + status.primaryPid().getAsLong() : "?";
        out.println();
        out.println(READY_LINE);
        out.printf("  proxy    pid %-8d clients connect to %s%n", status.proxyPid(), client);
        out.printf("  primary  pid %-8s epoch %d, %d pairs%s%n", primaryPid, status.epoch(), status.size(),
                loaded ? " loaded from " + saveFile
                        : restarted ? " recovered from " + data.orElseThrow().directory() : "");
        out.printf("  backup   pid %-8s %s%n",
                status.backupPid().isPresent() ? "" + status.backupPid().getAsLong() : "-", status.backupState());
        out.printf("  data     %s%n", data.map(dir -> dir.directory() + " (write-ahead logs and snapshots, --fsync "
                + dir.fsync().optionName() + ")").orElse("none: memory only (--data-dir none)"));
        out.println();
        out.println("Use it:");
        out.printf("  ./tuplespace client %s                      an interactive shell (type help)%n", client);
        out.printf("  ./tuplespace client %s 'PUT user,1 alice' 'GET user,.* .*'%n", client);
        out.printf("  nc %s %d   (or telnet)   text mode: type  PUT user,1 alice  then  GET .* .*%n",
                ports.host(), ports.clientPort());
        out.printf("  ./tuplespace status %s --pretty             roles, pids, epoch, backup state%n", shutdown);
        out.println("Watch a failover:");
        if (status.isReady()) {
            out.printf("  kill -9 %s     the backup takes over; connected clients keep going%n", primaryPid);
        } else {
            // a tester's demo whose backup JVM could not start was told to kill the primary, the only copy
            out.printf("  not now: no backup is live (%s), so nobody would take over from the primary; the status"
                    + " command above says why%n", status.backupState());
        }
        data.ifPresent(dir ->
                out.println("  kill -9 every process, run the demo again: every acknowledged write is back"));
        out.println("Stop:");
        out.printf("  Ctrl-C here (or ./tuplespace shutdown %s): the space is saved to %s%n", shutdown, saveFile);
        out.println();
        out.flush();
    }
}
