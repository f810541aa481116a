package dev.progresshub.jobs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * Timeline ids one group commit takes, in its own last round trip, for the group that already waits behind it: that
 * group can then number its events before it sends anything (its one round trip: {@link JobStore#commitAtOnce}).
 * Each job's ids still rise in the order its writers commit: the group that uses them checks, under the job's
 * lock, that no newer id was stored for the job meanwhile. Only the next group may use them, and only when it was
 * already waiting ({@link #drop} otherwise): an id taken long before its event commits would reach a stream's
 * replay (the events after the last id a client saw, over all jobs) later than ids taken after it. Owned by one
 * committer thread.
 */
public final class TimelineIdPool {

    /** At least this many ids are taken ahead. */
    private static final int LEAST = 16;

    private long[] ids = new long[0];
    /**
     * The most ids a recent group wanted, fading by an eighth a group: under load groups alternate in size, and
     * the pool is sized for twice the largest of them (a group it is too small for locks first), not for every
     * group's worst case (each id taken is a nextval PostgreSQL pays for).
     */
    private int recentLargest;

    /** The pool's ids for one group, when it holds at least {@code wanted}; null otherwise. Empties the pool. */
    public TimelineIds take(int wanted) {
        long[] available = ids;
        ids = new long[0];
        if (available.length < wanted) {
            return null;
        }
        TimelineIds taken = new TimelineIds(wanted);
        taken.taken(Arrays.copyOf(available, wanted));
        return taken;
    }

    /** Forgets the ids held. */
    public void drop() {
        ids = new long[0];
    }

    /** The statement that fills the pool after a group that wanted {@code wanted} ids, to send along its write. */
    public Alongside refilling(int wanted) {
        recentLargest = Math.max(wanted, recentLargest - (recentLargest + 7) / 8);
        int count = Math.max(LEAST, 2 * recentLargest);
        return new Alongside() {
            @Override
            public String sql() {
                return JobRows.TAKE_IDS;
            }

            @Override
            public int bind(Connection connection, PreparedStatement statement, int first) throws SQLException {
                statement.setInt(first, count);
                return first + 1;
            }

            @Override
            public void read(ResultSet rows) throws SQLException {
                ids = JobRows.readIds(rows, count);
            }
        };
    }
}
