package dev.progresshub.jobs;

import java.util.Arrays;

/**
 * Timeline ids a group takes in its locks' round trip, after the locks (so each job's ids still rise in the
 * order its writers commit), for the events it may store: its timeline rows then go to PostgreSQL with the
 * state write instead of in a round trip of their own. Ids left unused are gaps in the sequence, as a rolled
 * back transaction's are; too few taken only costs that round trip back.
 */
public final class TimelineIds {

    private final int wanted;
    private long[] taken = new long[0];

    /** {@code wanted}: at most how many timeline events the group may store. */
    public TimelineIds(int wanted) {
        this.wanted = wanted;
    }

    int wanted() {
        return wanted;
    }

    void taken(long[] ids) {
        taken = ids;
    }

    /**
     * Gives up the ids taken: the group locked more rows after taking them, and a job locked later may have had
     * events from a writer that took its ids after these; its events must be numbered under its lock.
     */
    public void drop() {
        taken = new long[0];
    }

    /** The first {@code count} ids taken, in the order the database gave them; null when fewer were taken. */
    long[] first(int count) {
        return count <= taken.length ? Arrays.copyOf(taken, count) : null;
    }
}
