package dev.progresshub.jobs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;

/**
 * The write path's SQL, plain JDBC on the transaction's connection: no entity copies, no dirty checking,
 * one round trip per step of a group however many jobs and events it holds.
 */
@ApplicationScoped
public class JobRows {

    /** Locks the rows, in key order; a row at the version the caller knows comes without its state. */
    private static final String LOCK = """
            select j.project, j.id, case when j.version = k.known then null else j.state::text end,
                   j.version, j.created_at
            from job j join unnest(?::text[], ?::text[], ?::bigint[]) as k(project, id, known)
                 on j.project = k.project and j.id = k.id
            order by j.project, j.id for update of j""";

    /**
     * Locks the rows, in key order, and fails the transaction ({@code progresshub_expect}, V6) unless each is
     * still as the writer last wrote it: the same version of the same job (created at the same time, within
     * the column's rounding), with no timeline id at or above the first the writer is about to use.
     */
    private static final String LOCK_UNCHANGED = """
            select progresshub_expect(count(*) = ? and bool_and(unchanged), '%s',
                                      'a job changed since its writer wrote it')
            from (select j.version = k.version and j.last_event_id < ?
                         and j.created_at between k.created_at::timestamptz - interval '1 microsecond'
                                              and k.created_at::timestamptz + interval '1 microsecond' as unchanged
                  from job j join unnest(?::text[], ?::text[], ?::bigint[], ?::text[])
                                  as k(project, id, version, created_at)
                       on j.project = k.project and j.id = k.id
                  order by j.project, j.id for update of j) locked""".formatted(ChangedMeanwhile.JOB_CHANGED);

    /** Timeline ids taken ahead, in the order the rows will be inserted ({@link TimelineIds}). */
    static final String TAKE_IDS = "select nextval('job_event_id_seq') from generate_series(1, ?)";

    /** Timeline rows with the ids taken ahead; the body is the id followed by the rendered fields. */
    private static final String INSERT_EVENTS_WITH_IDS = """
            insert into job_event (id, project, job_id, type, stage, at, body)
            select id, project, job_id, type, stage, at::timestamptz, (? || id || ',' || fields)::json
            from unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                 as e(id, project, job_id, type, stage, at, fields)""";

    /**
     * The state write: the rows exist and the group holds their locks, so the insert always meets its row and
     * updates it. Written so, PostgreSQL finds each row through the primary key whatever the table's size was
     * when the statement was planned, which an update joined to the arrays does not promise.
     */
    private static final String UPSERT_STATES = upsertStates(false);

    /**
     * The state write of a group that did not lock its rows first ({@link StateCheck}): each row is locked as it
     * is updated, in key order, and updated only if still as its writer last wrote it (the same version of the
     * same job, created at the same time within the column's rounding, no timeline id at or above the first
     * about to be used); the transaction fails ({@code progresshub_expect}, V6) unless every row was so updated.
     * {@code excluded} holds only the table's columns, so the version each row must still have travels in
     * {@code pruned_through}, which the update leaves alone; a row inserted instead (its job deleted meanwhile:
     * {@code xmax} 0) fails the check, and the transaction with it.
     */
    private static final String UPSERT_STATES_CHECKED = "with written as (\n" + upsertStates(true) + """

            where job.version = excluded.pruned_through and job.last_event_id < ?
              and job.created_at between excluded.created_at - interval '1 microsecond'
                                     and excluded.created_at + interval '1 microsecond'
            returning xmax::text <> '0' as updated)
            select progresshub_expect(count(*) = ? and bool_and(updated), '%s',
                                      'a job changed since its writer wrote it')
            from written""".formatted(ChangedMeanwhile.JOB_CHANGED);

    /**
     * The states over arrays, each row inserted or (as it exists) updated; with {@code writtenVersions}, one more
     * array gives each row the version it must still have, in {@code pruned_through} (0 otherwise).
     */
    private static String upsertStates(boolean writtenVersions) {
        return """
                insert into job (project, id, status, operation, labels, state, version, last_event_id,
                                 created_at, updated_at, finished_at, stall_at, pruned_through)
                select project, id, status, operation, labels::jsonb, state::json, version, last_event_id,
                       created_at::timestamptz, updated_at::timestamptz, finished_at::timestamptz,
                       stall_at::timestamptz, %s
                from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[],
                            ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[]%s)
                     as s(project, id, status, operation, labels, state, version, last_event_id, created_at,
                          updated_at, finished_at, stall_at%s)
                on conflict (project, id) do update
                set status = excluded.status, operation = excluded.operation, labels = excluded.labels,
                    state = excluded.state, version = excluded.version, last_event_id = excluded.last_event_id,
                    updated_at = excluded.updated_at, finished_at = excluded.finished_at,
                    stall_at = excluded.stall_at""".formatted(writtenVersions ? "written_version" : "0",
                writtenVersions ? ", ?::bigint[]" : "", writtenVersions ? ", written_version" : "");
    }

    /** The transaction's end, sent along its last statement ({@link JobStore#commitLast}). */
    static final Alongside COMMITTING = Alongside.of("commit", (connection, statement, first) -> first);

    private final AgroalDataSource dataSource;

    JobRows(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * A job row as the writer needs it: what identifies it and, unless the caller already holds that version,
     * the stored state still to be decoded (null: the row is at the version the caller knows).
     */
    public record Locked(JobKey key, String stateJson, long version, Instant createdAt) {
    }

    /**
     * What a state write checks when its rows were not locked before: the version each job must still have, and
     * the first timeline id the write uses (none stored at or above it).
     */
    public record StateCheck(Map<JobKey, Long> versions, long firstId) {
    }

    /** The columns a state write sets, derived from the job's state. */
    public record Columns(JobKey key, String status, String operation, String labelsJson, String stateJson,
            long version, long lastEventId, Instant createdAt, Instant updatedAt, Instant finishedAt,
            Instant stallAt) {
    }

    /** A timeline row to insert; its body is its id, given by the database, then these fields. */
    public record NewEvent(JobKey key, String type, String stage, Instant at, String fieldsAfterId) {
    }

    /**
     * Locks the rows of these jobs in key order (the one lock order of every group and instance); absent
     * jobs are missing from the answer. A row still at the version {@code knownVersions} gives for it comes
     * without its state: the caller holds it, and reading, detoasting and sending it again is most of a
     * lock's cost. {@code ahead}, when not null, is sent in the same round trip, first; the timeline ids
     * {@code ids} asks for, when not null, are taken in it last, once the rows are locked.
     */
    public Map<JobKey, Locked> lockAll(List<JobKey> sortedKeys, Map<JobKey, Long> knownVersions, Alongside ahead,
            TimelineIds ids) {
        Map<JobKey, Locked> rows = new LinkedHashMap<>();
        if (sortedKeys.isEmpty()) {
            if (ahead != null) {
                run(ahead::executeAlone);
            }
            return rows;
        }
        boolean takeIds = ids != null && ids.wanted() > 0;
        StringJoiner sql = new StringJoiner(";\n");
        if (ahead != null) {
            sql.add(ahead.sql());
        }
        sql.add(LOCK);
        if (takeIds) {
            sql.add(TAKE_IDS);
        }
        run(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
                int at = ahead == null ? 1 : ahead.bind(connection, select, 1);
                select.setObject(at, texts(sortedKeys, JobKey::project));
                select.setObject(at + 1, texts(sortedKeys, JobKey::id));
                select.setObject(at + 2, longs(sortedKeys,
                        key -> knownVersions.getOrDefault(key, -1L)));
                if (takeIds) {
                    select.setInt(at + 3, ids.wanted());
                }
                select.execute();
                if (ahead != null) {
                    ahead.readAndSkip(select);
                }
                try (ResultSet result = select.getResultSet()) {
                    while (result.next()) {
                        JobKey key = new JobKey(result.getString(1), result.getString(2));
                        rows.put(key, new Locked(key, result.getString(3), result.getLong(4),
                                result.getObject(5, OffsetDateTime.class).toInstant()));
                    }
                }
                if (takeIds) {
                    select.getMoreResults();
                    ids.taken(readIds(select.getResultSet(), ids.wanted()));
                }
            }
        });
        return rows;
    }

    static long[] readIds(ResultSet result, int count) throws SQLException {
        try (result) {
            long[] ids = new long[count];
            for (int i = 0; result.next(); i++) {
                ids[i] = result.getLong(1);
            }
            return ids;
        }
    }

    /**
     * The statement that locks these rows (in key order) and checks them ({@link #LOCK_UNCHANGED}), to send
     * ahead of a write that was prepared without locking them first; {@code firstId}: the lowest timeline id
     * the write uses.
     */
    Alongside checkingUnchanged(List<JobStore.LastWritten> sortedRows, long firstId) {
        return Alongside.of(LOCK_UNCHANGED, (connection, check, first) -> {
            check.setInt(first, sortedRows.size());
            check.setLong(first + 1, firstId);
            check.setObject(first + 2, texts(sortedRows, row -> row.key().project()));
            check.setObject(first + 3, texts(sortedRows, row -> row.key().id()));
            check.setObject(first + 4, longs(sortedRows, JobStore.LastWritten::version));
            check.setObject(first + 5, texts(sortedRows, JobStore.LastWritten::createdAt));
            return first + 6;
        });
    }

    /** The stored state of a job this transaction has locked. */
    public String stateOf(JobKey key) {
        String[] state = new String[1];
        run(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "select state::text from job where project = ? and id = ?")) {
                select.setString(1, key.project());
                select.setString(2, key.id());
                try (ResultSet result = select.executeQuery()) {
                    state[0] = result.next() ? result.getString(1) : null;
                }
            }
        });
        if (state[0] == null) {
            throw new IllegalStateException("locked job " + key + " has no row");
        }
        return state[0];
    }

    /**
     * Inserts the jobs that do not exist yet, in key order; a row a concurrent writer inserted first is left
     * alone. Returns the keys this call created.
     */
    public List<JobKey> insertAbsent(List<Columns> sortedJobs) {
        List<JobKey> created = new ArrayList<>();
        if (sortedJobs.isEmpty()) {
            return created;
        }
        run(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    insert into job (status, operation, labels, state, version, last_event_id, updated_at,
                                     finished_at, stall_at, project, id, created_at, pruned_through)
                    values (?, ?, ?::jsonb, ?::json, ?, ?, ?, ?, ?, ?, ?, ?, 0)
                    on conflict do nothing""")) {
                for (Columns job : sortedJobs) {
                    int at = setColumns(insert, job);
                    insert.setObject(at, timestamp(job.createdAt()));
                    insert.addBatch();
                }
                int[] counts = insert.executeBatch();
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] == 1) {
                        created.add(sortedJobs.get(i).key());
                    }
                }
            }
        });
        return created;
    }

    /**
     * Inserts the timeline rows in one statement and returns their ids, in order. The database numbers each row
     * as it inserts it (in the order given), so a job's ids rise in the order its writers commit (they hold its
     * row lock), and the ids cost no round trip of their own; the body is the id followed by the rendered fields
     * ({@link EventJson}). One statement over arrays, not a batch: a crawler report's three rows cost one
     * execution, not three.
     */
    public long[] insertEvents(List<NewEvent> events) {
        long[] ids = new long[events.size()];
        if (events.isEmpty()) {
            return ids;
        }
        run(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    insert into job_event (id, project, job_id, type, stage, at, body)
                    select id, project, job_id, type, stage, at::timestamptz, (? || id || ',' || fields)::json
                    from (select nextval('job_event_id_seq') as id, e.*
                          from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                               as e(project, job_id, type, stage, at, fields)) numbered
                    returning id""")) {
                insert.setString(1, EventJson.ID_PREFIX);
                bindEvents(insert, 2, events);
                try (ResultSet inserted = insert.executeQuery()) {
                    for (int i = 0; inserted.next(); i++) {
                        ids[i] = inserted.getLong(1);
                    }
                }
            }
        });
        return ids;
    }

    /** The insert of timeline rows whose ids were taken ahead ({@link TimelineIds}), to send along a write. */
    Alongside insertingEvents(List<NewEvent> events, long[] ids) {
        return Alongside.of(INSERT_EVENTS_WITH_IDS, (connection, insert, first) -> {
            insert.setString(first, EventJson.ID_PREFIX);
            insert.setObject(first + 1, ids);
            return bindEvents(insert, first + 2, events);
        });
    }

    /** Binds the timeline rows' columns from index {@code first}; returns the next free index. */
    private static int bindEvents(PreparedStatement insert, int first, List<NewEvent> events) throws SQLException {
        insert.setObject(first, texts(events, event -> event.key().project()));
        insert.setObject(first + 1, texts(events, event -> event.key().id()));
        insert.setObject(first + 2, texts(events, NewEvent::type));
        insert.setObject(first + 3, texts(events, NewEvent::stage));
        insert.setObject(first + 4, texts(events, NewEvent::at));
        insert.setObject(first + 5, texts(events, NewEvent::fieldsAfterId));
        return first + 6;
    }

    /**
     * One text column of many rows, an array the driver sends in PostgreSQL's binary format: each text (a JSON
     * state among them) goes as it is, not quoted and escaped into an array literal for the database to parse
     * again. Instants go as ISO-8601 text, cast to timestamptz in the SQL.
     */
    private static <T> String[] texts(List<T> rows, Function<T, ?> column) {
        return rows.stream().map(column).map(value -> value == null ? null : value.toString()).toArray(String[]::new);
    }

    /** One bigint column of many rows, sent as {@link #texts} are. */
    private static <T> Long[] longs(List<T> rows, Function<T, Long> column) {
        return rows.stream().map(column).toArray(Long[]::new);
    }

    /**
     * Writes the jobs' new states in one statement over arrays, locking and checking them there when
     * {@code check} is not null ({@link #UPSERT_STATES_CHECKED}); {@code ahead} and {@code along} go in the
     * same round trip, before and after it, and each is handed the rows it returned.
     */
    public void updateStates(List<Alongside> ahead, List<Columns> unsorted, StateCheck check,
            List<Alongside> along) {
        if (ahead.isEmpty() && unsorted.isEmpty() && along.isEmpty()) {
            return;
        }
        List<Columns> jobs = unsorted.stream().sorted(Comparator.comparing(Columns::key, JobStore.LOCK_ORDER))
                .toList();
        StringJoiner sql = new StringJoiner(";\n");
        ahead.forEach(statement -> sql.add(statement.sql()));
        if (!jobs.isEmpty()) {
            sql.add(check == null ? UPSERT_STATES : UPSERT_STATES_CHECKED);
        }
        along.forEach(statement -> sql.add(statement.sql()));
        run(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
                int next = 1;
                for (Alongside other : ahead) {
                    next = other.bind(connection, statement, next);
                }
                if (!jobs.isEmpty()) {
                    next = bindStates(statement, jobs, next);
                    if (check != null) {
                        next = bindCheck(statement, jobs, check, next);
                    }
                }
                for (Alongside other : along) {
                    next = other.bind(connection, statement, next);
                }
                statement.execute();
                for (Alongside other : ahead) {
                    other.readAndSkip(statement);
                }
                if (!jobs.isEmpty()) {
                    statement.getMoreResults();
                }
                for (Alongside other : along) {
                    other.readAndSkip(statement);
                }
            }
        });
    }

    /** Binds the columns of {@link #UPSERT_STATES}; returns the next parameter index. */
    private static int bindStates(PreparedStatement upsert, List<Columns> jobs, int first) throws SQLException {
        upsert.setObject(first, texts(jobs, job -> job.key().project()));
        upsert.setObject(first + 1, texts(jobs, job -> job.key().id()));
        upsert.setObject(first + 2, texts(jobs, Columns::status));
        upsert.setObject(first + 3, texts(jobs, Columns::operation));
        upsert.setObject(first + 4, texts(jobs, Columns::labelsJson));
        upsert.setObject(first + 5, texts(jobs, Columns::stateJson));
        upsert.setObject(first + 6, longs(jobs, Columns::version));
        upsert.setObject(first + 7, longs(jobs, Columns::lastEventId));
        upsert.setObject(first + 8, texts(jobs, Columns::createdAt));
        upsert.setObject(first + 9, texts(jobs, Columns::updatedAt));
        upsert.setObject(first + 10, texts(jobs, Columns::finishedAt));
        upsert.setObject(first + 11, texts(jobs, Columns::stallAt));
        return first + 12;
    }

    /** Binds what {@link #UPSERT_STATES_CHECKED} adds to {@link #bindStates}; returns the next parameter index. */
    private static int bindCheck(PreparedStatement upsert, List<Columns> jobs, StateCheck check, int first)
            throws SQLException {
        upsert.setObject(first, longs(jobs, job -> check.versions().get(job.key())));
        upsert.setLong(first + 1, check.firstId());
        upsert.setInt(first + 2, jobs.size());
        return first + 3;
    }

    /** Deletes the job and its timeline (no foreign key does it: one fewer lookup per timeline row inserted). */
    public boolean delete(JobKey key) {
        int[] deleted = new int[1];
        run(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("""
                    with timeline as (delete from job_event where project = ? and job_id = ?)
                    delete from job where project = ? and id = ?""")) {
                delete.setString(1, key.project());
                delete.setString(2, key.id());
                delete.setString(3, key.project());
                delete.setString(4, key.id());
                deleted[0] = delete.executeUpdate();
            }
        });
        return deleted[0] == 1;
    }

    /** Sets the state columns, then project and id; returns the next parameter index. */
    private static int setColumns(PreparedStatement statement, Columns job) throws SQLException {
        statement.setString(1, job.status());
        statement.setString(2, job.operation());
        statement.setString(3, job.labelsJson());
        statement.setString(4, job.stateJson());
        statement.setLong(5, job.version());
        statement.setLong(6, job.lastEventId());
        statement.setObject(7, timestamp(job.updatedAt()));
        statement.setObject(8, timestamp(job.finishedAt()));
        statement.setObject(9, timestamp(job.stallAt()));
        statement.setString(10, job.key().project());
        statement.setString(11, job.key().id());
        return 12;
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private interface Work {
        void on(Connection connection) throws SQLException;
    }

    /** The pool hands the transaction's own connection back; closing it only releases this handle. */
    private void run(Work work) {
        try (Connection connection = dataSource.getConnection()) {
            work.on(connection);
        } catch (SQLException e) {
            throw ChangedMeanwhile.raised(e) ? new ChangedMeanwhile(e) : new JobWriteException(e);
        }
    }
}
