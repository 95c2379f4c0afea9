package tuplespace.client;

import tuplespace.codec.AnswerDecoder;
import tuplespace.codec.MalformedAnswerException;
import tuplespace.codec.ParsedAnswer;

/** A request the library encoded as a JSON line with its own id; its answer is decoded into an {@link Answer}. */
final class TypedRequest extends PendingRequest<Answer> {

    private final long id;

    TypedRequest(String operator, long id) {
        super(operator + " (id " + id + ")");
        this.id = id;
    }

    @Override
    void complete(String text) {
        ParsedAnswer answer = decode(text);
        if (answer.longId().isEmpty() || answer.longId().get() != id) {
            throw new ProtocolViolationException("expected the answer to " + description() + ", found an answer with id "
                    + answer.id() + ": " + LineAnswer.firstLine(text));
        }
        String error = answer.error().orElse("(no error message)");
        switch (answer.status()) {
            case OK:
                future().complete(new Answer(answer.wellFormedPairs(), answer.warning()));
                break;
            case MALFORMED:
                fail(new MalformedRequestException(description() + " is malformed: " + error));
                break;
            case NOT_IMPLEMENTED:
                fail(new NotImplementedException(description() + " is not implemented: " + error));
                break;
            case UNAVAILABLE:
                fail(new UnavailableException(description() + " was not served: " + error));
                break;
            default:
                fail(new RefusedException(description() + " was refused: " + error));
                break;
        }
    }

    private ParsedAnswer decode(String text) {
        if (!text.startsWith("{")) {
            throw new ProtocolViolationException("expected a JSON answer to " + description() + ", found '"
                    + LineAnswer.firstLine(text) + "'");
        }
        try {
            return AnswerDecoder.decode(text);
        } catch (MalformedAnswerException e) {
            throw new ProtocolViolationException("the answer to " + description() + " is not an answer: " + e.getMessage());
        }
    }
}
