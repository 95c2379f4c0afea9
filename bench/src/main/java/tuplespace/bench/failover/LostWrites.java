package tuplespace.bench.failover;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The verdict on acknowledged writes after a failover: each acknowledged key must be present with the value
 * acknowledged last. {@code missing}: absent; {@code wrongValue}: present with another value.
 */
public record LostWrites(long checked, long missing, long wrongValue, List<String> examples) {

    private static final int MAX_EXAMPLES = 5;

    public LostWrites {
        if (checked < 0 || missing < 0 || wrongValue < 0 || missing + wrongValue > checked) {
            throw new IllegalArgumentException("expected 0 <= missing + wrongValue <= checked, found checked=" + checked
                    + " missing=" + missing + " wrongValue=" + wrongValue);
        }
        examples = List.copyOf(examples);
    }

    /** Compares every acknowledged {@code key → value} with what the system holds now ({@code found}). */
    public static LostWrites check(Map<String, String> acknowledged, Map<String, String> found) {
        Objects.requireNonNull(acknowledged, "acknowledged");
        Objects.requireNonNull(found, "found");
        long missing = 0;
        long wrong = 0;
        List<String> examples = new ArrayList<>();
        for (Map.Entry<String, String> write : acknowledged.entrySet()) {
            String now = found.get(write.getKey());
            if (now == null) {
                missing++;
                addExample(examples, write.getKey() + " is missing (acknowledged " + write.getValue() + ")");
            } else if (!now.equals(write.getValue())) {
                wrong++;
                addExample(examples, write.getKey() + " holds " + now + ", acknowledged " + write.getValue());
            }
        }
        return new LostWrites(acknowledged.size(), missing, wrong, examples);
    }

    public long lost() {
        return missing + wrongValue;
    }

    private static void addExample(List<String> examples, String example) {
        if (examples.size() < MAX_EXAMPLES) {
            examples.add(example);
        }
    }
}
