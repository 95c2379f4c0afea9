package tuplespace.codec.frame;

import java.util.Optional;

/** The one-byte type tag of each proxy⇄primary frame (docs/internals.md); the codes are wire format. */
public enum FrameType {
    /** primary → proxy: epoch, pid, server, shutdownSap, lastIndex, replica. */
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
    PONG(8),
    /** primary → proxy: replica (the backup's server id, 0 for none). */
    REPLICA(9),
    /** backup → proxy: epoch, server. */
    FOLLOW(10),
    /** proxy → backup: epoch, switchover (a byte, 1 when the primary handed over). */
    PROMOTE(11),
    /** proxy → primary: epoch (the operator's switchover: hand over to the replica). */
    STEP_DOWN(12),
    /** primary → proxy: index (every answer is out and the replica holds this index). */
    STEPPED_DOWN(13),
    /** primary → proxy: reason (the primary serves on). */
    STEP_DOWN_REFUSED(14),
    /** primary → proxy: conn, seq, part (the next bytes of a long answer; the ANSWER for (conn, seq) ends it). */
    ANSWER_PART(15),
    /** primary or following backup → proxy: millis (a long piece of work starts: silence that long is no failure). */
    BUSY(16);

    /** Every type at index {@code code & 0xFF}: decoding looks a type up per frame, so no stream or scan. */
    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType type : values()) {
            BY_CODE[type.code & 0xFF] = type;
        }
    }

    private final byte code;

    FrameType(int code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    public static Optional<FrameType> fromCode(byte code) {
        return Optional.ofNullable(BY_CODE[code & 0xFF]);
    }
}
