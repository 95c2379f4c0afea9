package tuplespace.client;

import com.fasterxml.jackson.databind.JsonNode;
import tuplespace.codec.ParsedAnswer;

/** A request the library encoded as a JSON line with its own id; its answer is decoded into an {@link Answer}. */
final class TypedRequest extends PendingRequest<Answer> {

    private final String operator;
    private final long id;

    TypedRequest(String operator, long id, String line) {
        super(line);
        this.operator = operator;
        this.id = id;
    }

    @Override
    boolean wantsPairs() {
        return true;
    }

    @Override
    String description() {
        return operator + " (id " + id + ")";
    }

    @Override
    void complete(ReceivedAnswer received) {
        ReceivedAnswer.Json json = decoded(received);
        ParsedAnswer answer = json.answer();
        JsonNode echoed = answer.id();
        if (echoed == null || !echoed.isIntegralNumber() || !echoed.canConvertToLong() || echoed.longValue() != id) {
            throw new ProtocolViolationException("expected the answer to " + description() + ", found an answer with id "
                    + echoed + ": " + LineAnswer.firstLine(received.text()));
        }
        switch (answer.status()) {
            case OK:
                future().complete(new Answer(json.pairs(), answer.warning(), answer.cutOff(), answer.note()));
                break;
            case MALFORMED:
                fail(new MalformedRequestException(description() + " is malformed: " + error(answer)));
                break;
            case NOT_IMPLEMENTED:
                fail(new NotImplementedException(description() + " is not implemented: " + error(answer)));
                break;
            case UNAVAILABLE:
                fail(new UnavailableException(description() + " was not served: " + error(answer)));
                break;
            default:
                fail(new RefusedException(description() + " was refused: " + error(answer)));
                break;
        }
    }

    private static String error(ParsedAnswer answer) {
        return answer.error().orElse("(no error message)");
    }

    private ReceivedAnswer.Json decoded(ReceivedAnswer received) {
        if (received instanceof ReceivedAnswer.Json json) {
            return json;
        }
        if (received instanceof ReceivedAnswer.NotAnAnswer notAnAnswer && received.text().startsWith("{")) {
            throw new ProtocolViolationException("the answer to " + description() + " is not an answer: " + notAnAnswer.problem());
        }
        throw new ProtocolViolationException("expected a JSON answer to " + description() + ", found "
                + ReceivedAnswer.quoted(received.text()));
    }
}
