package tuplespace.bench.load;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Relative weights of the four operations, written {@code put=1,post=0,get=3,prefix=0} (any subset, any order;
 * missing ones weigh 0).
 */
public record OperationMix(int put, int post, int exactGet, int prefixGet) {

    public OperationMix {
        if (put < 0 || post < 0 || exactGet < 0 || prefixGet < 0) {
            throw new IllegalArgumentException("operation mix: expected weights >= 0, found " + describe(put, post, exactGet, prefixGet));
        }
        if (put + post + exactGet + prefixGet == 0) {
            throw new IllegalArgumentException("operation mix: expected at least one positive weight, found all 0");
        }
    }

    public static OperationMix writesOnly() {
        return new OperationMix(1, 0, 0, 0);
    }

    public static OperationMix exactGetsOnly() {
        return new OperationMix(0, 0, 1, 0);
    }

    /** Parses {@code put=1,get=3}; names: put, post, get, prefix. */
    public static OperationMix parse(String text) {
        Map<String, Integer> weights = new LinkedHashMap<>(Map.of("put", 0, "post", 0, "get", 0, "prefix", 0));
        for (String part : text.split(",", -1)) {
            String[] nameAndWeight = part.trim().split("=", -1);
            if (nameAndWeight.length != 2) {
                throw new IllegalArgumentException("operation mix: expected name=weight, found '" + part + "' in '" + text + "'");
            }
            String name = nameAndWeight[0].trim().toLowerCase(Locale.ROOT);
            if (!weights.containsKey(name)) {
                throw new IllegalArgumentException("operation mix: expected one of put, post, get, prefix, found '" + name + "'");
            }
            try {
                weights.put(name, Integer.parseInt(nameAndWeight[1].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("operation mix: expected an integer weight for " + name
                        + ", found '" + nameAndWeight[1] + "'", e);
            }
        }
        return new OperationMix(weights.get("put"), weights.get("post"), weights.get("get"), weights.get("prefix"));
    }

    public int total() {
        return put + post + exactGet + prefixGet;
    }

    public boolean hasWrites() {
        return put + post > 0;
    }

    /** Whether the preloaded keys are needed (POST and GETs address them). */
    public boolean needsPreload() {
        return post + exactGet + prefixGet > 0;
    }

    @Override
    public String toString() {
        return describe(put, post, exactGet, prefixGet);
    }

    private static String describe(int put, int post, int exactGet, int prefixGet) {
        return "put=" + put + ",post=" + post + ",get=" + exactGet + ",prefix=" + prefixGet;
    }
}
