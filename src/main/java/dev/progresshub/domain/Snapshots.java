package dev.progresshub.domain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The arithmetic and copying shared by the job and stage views. */
final class Snapshots {

    private Snapshots() {
    }

    /** A read-only copy: a snapshot must never expose the live maps of the aggregate. */
    static <V> Map<String, V> copy(Map<String, V> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    /** round1(100 * handled / total), capped at 100; null when the total is unknown or 0. */
    static Double percent(long handled, Long total) {
        if (total == null || total <= 0) {
            return null;
        }
        return Math.min(100.0, round(100.0 * handled / total, 1));
    }

    /**
     * Seconds left at the current rate: 0 when done, null when total (null or 0 = unknown) or a positive rate
     * is missing.
     */
    static Long eta(long handled, Long total, Double rate) {
        if (total == null || total <= 0) {
            return null;
        }
        if (handled >= total) {
            return 0L;
        }
        if (rate == null || rate <= 0) {
            return null;
        }
        return (long) Math.ceil((total - handled) / rate);
    }
}
