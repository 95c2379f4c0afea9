package tuplespace.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Number formatting and order statistics for the report. */
public final class Figures {

    private Figures() {
    }

    /** {@code 12345.6} → {@code 12,346}; {@code 3.5} → {@code 3.5}. */
    public static String count(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%,d", Math.round(value))
                : String.format(Locale.ROOT, "%.1f", value);
    }

    public static String millis(double value) {
        return String.format(Locale.ROOT, "%.0f ms", value);
    }

    public static String ratio(double value) {
        return String.format(Locale.ROOT, "%.2f×", value);
    }

    /** The median (mean of the two middle values for an even count); NaN for none. */
    public static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    public static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    public static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** {@code median (min–max)} in milliseconds. */
    public static String spreadMillis(List<Double> values) {
        if (values.isEmpty()) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.0f ms (min %.0f, max %.0f)", median(values), min(values), max(values));
    }
}
