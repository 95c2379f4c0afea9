package tuplespace.space;

import java.util.Objects;

/** The result of one command and the effect it had on the space ({@link Effect#NONE} for a GET). */
public record Outcome(Result result, Effect effect) {
    public Outcome {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(effect, "effect");
    }
}
