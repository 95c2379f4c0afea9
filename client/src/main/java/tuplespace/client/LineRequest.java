package tuplespace.client;

import tuplespace.codec.MalformedAnswerException;

/** A request line sent as given; its answer is handed back as received, whatever its status. */
final class LineRequest extends PendingRequest<LineAnswer> {

    LineRequest(String line) {
        super("'" + line.strip() + "'");
    }

    @Override
    void complete(String text) {
        try {
            future().complete(LineAnswer.of(text));
        } catch (MalformedAnswerException e) {
            throw new ProtocolViolationException("the answer to " + description() + " is not an answer: " + e.getMessage());
        }
    }
}
