package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tuplespace.codec.netty.SocketTransport;

/** A backup whose PRIMARY_HANDLE names no running process refuses to start, rather than wait for ever in silence. */
class PrimaryHandleCheckTest {

    @Test
    void aBackupOfAPidThatIsNoRunningProcessRefusesToStart() throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor(10, TimeUnit.SECONDS);
        String pid = Long.toString(ended.pid());
        NodeConfig config = ServerCommand.config("127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3", "127.0.0.1:4", "null",
                pid, "null");

        assertThatThrownBy(() -> ServerNode.start(config, SocketTransport.forFewLinks()))
                .isInstanceOf(ServerNode.StartRefused.class)
                .hasMessageStartingWith("PRIMARY_HANDLE " + pid + ": expected the pid of the running primary on this"
                        + " machine that this backup serves, found no such process");
    }
}
