package tuplespace.codec.frame;

/**
 * A frame longer than the receiver's limit, skipped without breaking the link (see
 * {@link FrameCodec#installSkippingOversize}): what it was (its type code and, for an ANSWER, its conn and seq) and
 * how long it was. Not a {@link Frame}: it never travels, it only tells the receiver what it did not read.
 *
 * @param typeCode the frame's type byte as sent (may be an unknown code)
 * @param conn the ANSWER's (or ANSWER_PART's) conn, or 0 when neither could be read
 * @param seq the ANSWER's (or ANSWER_PART's) seq, or 0 when neither could be read
 * @param length the frame's length (type byte and payload), more than the limit
 */
public record OversizeFrame(byte typeCode, long conn, long seq, long length) {
    public OversizeFrame {
        if (length <= 0) {
            throw new IllegalArgumentException("length: expected a positive frame length, found " + length);
        }
    }

    /** True for an ANSWER frame whose conn and seq could be read. */
    public boolean isAnswer() {
        return typeCode == FrameType.ANSWER.code() && seq > 0;
    }

    /** True for an ANSWER_PART frame whose conn and seq could be read. */
    public boolean isAnswerPart() {
        return typeCode == FrameType.ANSWER_PART.code() && seq > 0;
    }
}
