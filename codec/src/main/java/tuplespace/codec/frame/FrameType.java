package tuplespace.codec.frame;

import java.util.Arrays;
import java.util.Optional;

/** The one-byte type tag of each proxy⇄primary frame (docs/internals.md); the codes are wire format. */
public enum FrameType {
    /** primary → proxy: epoch, pid, shutdownSap, lastIndex. */
    REGISTER(1),
    /** proxy → primary: proxyPid. */
    REGISTERED(2),
    /** proxy → primary: currentEpoch; the proxy closes. */
    STALE_EPOCH(3),
    /** proxy → primary: conn, seq, floor, line. */
    REQUEST(4),
    /** primary → proxy: conn, seq, answer. */
    ANSWER(5),
    /** proxy → primary: conn. */
    CLOSED(6),
    /** both: nanos. */
    PING(7),
    /** both: nanos (echoes the PING). */
    PONG(8);

    private final byte code;

    FrameType(int code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    public static Optional<FrameType> fromCode(byte code) {
        return Arrays.stream(values()).filter(type -> type.code == code).findFirst();
    }
}
