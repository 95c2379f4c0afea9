package tuplespace.client;

import tuplespace.codec.MalformedAnswerException;

/** A request line sent as given; its answer is handed back as received, whatever its status. */
final class LineRequest extends PendingRequest<LineAnswer> {

    /** {@code line}: as the caller gave it, with or without its final {@code \n}. */
    LineRequest(String line) {
        super(line.endsWith("\n") ? line : line + "\n");
    }

    @Override
    boolean wantsPairs() {
        return false;
    }

    @Override
    String description() {
        return "'" + line().strip() + "'";
    }

    @Override
    void complete(ReceivedAnswer received) {
        try {
            future().complete(ReceivedAnswer.toLineAnswer(received));
        } catch (MalformedAnswerException e) {
            throw new ProtocolViolationException("the answer to " + description() + " is not an answer: " + e.getMessage());
        }
    }
}
