package dev.progresshub.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Items handled per second as a moving average over the last {@link #WINDOW} of samples.
 * A sample is (server time, handled count), taken when the count changed. Kept samples are at least
 * {@link #SPACING} apart (the newest one moves forward until then), so however often a job reports, the window
 * spans the whole minute with at most {@link #MAX_SAMPLES} samples: the state stored at every write stays small.
 */
class RateWindow {
    static final Duration WINDOW = Duration.ofSeconds(60);
    static final Duration SPACING = Duration.ofSeconds(5);
    /** The window's samples with their spacing, the baseline before the window, and the newest. */
    static final int MAX_SAMPLES = (int) (WINDOW.toSeconds() / SPACING.toSeconds()) + 2;

    List<Sample> samples = new ArrayList<>();

    RateWindow() {
    }

    void sampleIfChanged(Instant now, long handled) {
        Sample newest = samples.isEmpty() ? null : samples.get(samples.size() - 1);
        long lastHandled = newest == null ? 0 : newest.handled;
        if (handled == lastHandled) {
            return;
        }
        if (handled < lastHandled) {
            // Counts never go back, so a drop means the job switched what it counts (e.g. from stage sums
            // to its own total): the old samples measure something else.
            samples.clear();
        }
        if (!samples.isEmpty() && newestIsOpen(now)) {
            newest.at = now;
            newest.handled = handled;
        } else {
            samples.add(new Sample(now, handled));
        }
        dropOutdated(now);
    }

    /** Null with fewer than two samples or no elapsed time; rounded to two decimals. */
    Double ratePerSecond(Instant asOf) {
        Double rate = exactRate(asOf);
        return rate == null ? null : Snapshots.round(rate, 2);
    }

    /**
     * Unrounded, so the ETA of a slow job is not lost to rounding the rate to 0.00. Measured over the window
     * ending at {@code asOf} (null: at the newest sample): time without progress lowers the rate.
     */
    Double exactRate(Instant asOf) {
        if (samples.size() < 2) {
            return null;
        }
        Sample newest = samples.get(samples.size() - 1);
        Instant end = asOf == null || asOf.isBefore(newest.at) ? newest.at : asOf;
        Instant windowStart = end.minus(WINDOW);
        Sample baseline = samples.get(0);
        for (Sample sample : samples) {
            if (sample.at.isAfter(windowStart)) {
                break;
            }
            baseline = sample;
        }
        double seconds = Duration.between(baseline.at, end).toMillis() / 1000.0;
        return seconds <= 0 ? null : (newest.handled - baseline.handled) / seconds;
    }

    /**
     * The newest sample stays open (moves forward) until it is {@link #SPACING} after the one before it; then
     * it is kept and the next count opens a new one. Events at one instant always share a sample.
     */
    private boolean newestIsOpen(Instant now) {
        Sample newest = samples.get(samples.size() - 1);
        if (newest.at.equals(now)) {
            return true;
        }
        Sample previous = samples.size() < 2 ? null : samples.get(samples.size() - 2);
        return previous != null && Duration.between(previous.at, newest.at).compareTo(SPACING) < 0;
    }

    /** Keeps the newest sample from before the window as the baseline, so the window is always spanned. */
    private void dropOutdated(Instant now) {
        Instant windowStart = now.minus(WINDOW);
        while (samples.size() > 1 && samples.get(1).at.isBefore(windowStart)) {
            samples.remove(0);
        }
        while (samples.size() > MAX_SAMPLES) {
            samples.remove(0);
        }
    }

    /** One observation of the handled count. */
    static class Sample {
        Instant at;
        long handled;

        Sample() {
        }

        Sample(Instant at, long handled) {
            this.at = at;
            this.handled = handled;
        }
    }
}
