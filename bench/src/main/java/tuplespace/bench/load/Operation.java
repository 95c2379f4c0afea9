package tuplespace.bench.load;

import java.util.Objects;

/**
 * One request of the load, independent of the system that serves it. Keys are alphanumeric ids; each target
 * spells them its own way ({@code bench,<id>} as a tuple, {@code bench:<id>} as a Redis key).
 */
public sealed interface Operation {

    /** Whether the operation changes state (and so is replicated). */
    boolean isWrite();

    /** PUT of a key that no one wrote before: always adds, so every one is a replicated effect. */
    record Put(String keyId, String value) implements Operation {
        public Put {
            requireAlphanumeric("keyId", keyId);
            requireAlphanumeric("value", value);
        }

        @Override
        public boolean isWrite() {
            return true;
        }
    }

    /** POST of a preloaded key with a new value: always updates. */
    record Post(String keyId, String value) implements Operation {
        public Post {
            requireAlphanumeric("keyId", keyId);
            requireAlphanumeric("value", value);
        }

        @Override
        public boolean isWrite() {
            return true;
        }
    }

    /** GET of one preloaded key by its exact text. */
    record ExactGet(String keyId) implements Operation {
        public ExactGet {
            requireAlphanumeric("keyId", keyId);
        }

        @Override
        public boolean isWrite() {
            return false;
        }
    }

    /** GET of every key whose id starts with {@code idPrefix}. */
    record PrefixGet(String idPrefix) implements Operation {
        public PrefixGet {
            requireAlphanumeric("idPrefix", idPrefix);
        }

        @Override
        public boolean isWrite() {
            return false;
        }
    }

    private static void requireAlphanumeric(String name, String text) {
        Objects.requireNonNull(text, name);
        if (text.isEmpty() || !isAlphanumeric(text)) {
            throw new IllegalArgumentException(name + ": expected a non-empty alphanumeric string, found '" + text + "'");
        }
    }

    /** A plain loop: this runs for every operation of the load, on the load generator's CPU. */
    private static boolean isAlphanumeric(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isLetterOrDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
