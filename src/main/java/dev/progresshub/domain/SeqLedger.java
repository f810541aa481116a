package dev.progresshub.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * The seqs seen from one worker, kept as sorted, disjoint, non-adjacent ranges. A worker counting up
 * (from 0, 1 or anywhere) costs one range however long it runs; only gaps cost more. Out-of-order seqs
 * (3, 1, 2) merge back into one range.
 */
class SeqLedger {
    /**
     * Bound on the gaps remembered. Past it the two oldest ranges merge: the seqs missing between them are
     * given up and treated as seen, so memory stays bounded for endless workers with lost events.
     */
    static final int MAX_RANGES = 1_000;

    long highest = -1;
    List<Range> ranges = new ArrayList<>();

    SeqLedger() {
    }

    boolean contains(long seq) {
        int index = indexOfFirstEndingAtOrAfter(seq);
        return index < ranges.size() && ranges.get(index).from <= seq;
    }

    /** Callers add only seqs not yet contained. */
    void add(long seq) {
        highest = Math.max(highest, seq);
        int index = indexOfFirstEndingAtOrAfter(seq - 1);
        Range next = index < ranges.size() ? ranges.get(index) : null;
        if (next != null && next.to == seq - 1) {
            next.to = seq;
            mergeWithFollowing(index);
        } else if (next != null && next.from == seq + 1) {
            next.from = seq;
        } else {
            ranges.add(index, new Range(seq, seq));
        }
        if (ranges.size() > MAX_RANGES) {
            ranges.get(1).from = ranges.get(0).from;
            ranges.remove(0);
        }
    }

    private void mergeWithFollowing(int index) {
        if (index + 1 < ranges.size() && ranges.get(index + 1).from == ranges.get(index).to + 1) {
            ranges.get(index).to = ranges.get(index + 1).to;
            ranges.remove(index + 1);
        }
    }

    /** Binary search for the first range whose end is at or after seq (ranges.size() when none). */
    private int indexOfFirstEndingAtOrAfter(long seq) {
        int low = 0;
        int high = ranges.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (ranges.get(middle).to < seq) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** Seqs from..to, all seen. */
    static class Range {
        long from;
        long to;

        Range() {
        }

        Range(long from, long to) {
            this.from = from;
            this.to = to;
        }
    }
}
