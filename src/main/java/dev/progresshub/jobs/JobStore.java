package dev.progresshub.jobs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import dev.progresshub.config.JsonText;
import dev.progresshub.domain.JobSnapshot;
import dev.progresshub.domain.JobState;
import dev.progresshub.domain.JobStatus;
import dev.progresshub.domain.RequestedState;
import io.quarkus.arc.All;

/**
 * Loads, locks and saves jobs. Every writer goes through {@link #commit}: it stores the new timeline events
 * and the states in the caller's transaction and fires one {@link JobChanged} per job inside it (the cluster
 * notification is sent from there, so other instances hear of it only on commit); the cache and the streams
 * observe it once the transaction has committed.
 */
@ApplicationScoped
@Transactional(TxType.MANDATORY)
public class JobStore {

    /** The one lock order of every writer, on every instance: no two groups can wait on each other. */
    public static final Comparator<JobKey> LOCK_ORDER = Comparator.comparing(JobKey::project)
            .thenComparing(JobKey::id);

    private final JobRows rows;
    private final JobStateCodec codec;
    private final EventJson eventJson;
    private final JsonText json;
    private final Event<JobChanged> changes;
    private final List<StateWriteCompanion> companions;

    JobStore(JobRows rows, JobStateCodec codec, EventJson eventJson, JsonText json, Event<JobChanged> changes,
            @All List<StateWriteCompanion> companions) {
        this.rows = rows;
        this.companions = companions;
        this.codec = codec;
        this.eventJson = eventJson;
        this.json = json;
        this.changes = changes;
    }

    /** One job's change within a commit: its state after the change, and the timeline events it produced. */
    public record Change(LockedJob job, List<dev.progresshub.domain.Event> timeline) {
    }

    public Optional<LockedJob> lock(JobKey key) {
        return Optional.ofNullable(lockAll(List.of(key), Map.of()).get(key));
    }

    /**
     * Locks these jobs in {@link #LOCK_ORDER}, first creating those of {@code toCreate} that do not exist yet
     * (flagged {@code created}). Each state is decoded once.
     */
    public Map<JobKey, LockedJob> lockAll(List<JobKey> keys, Map<JobKey, JobState> toCreate) {
        return lockAll(keys, toCreate, key -> null, null, null);
    }

    /**
     * As {@link #lockAll(List, Map)}; a state the caller still holds from its own last write ({@code remembered})
     * is used instead of reading and decoding the row when the row is still that state: the same version of the
     * same job (a job deleted and created again starts over at another creation time). Another store's
     * statement ({@code ahead}, when not null) goes in the locks' round trip, ahead of them; only when nothing
     * is to be created, as the rows inserted first would otherwise be locked before that statement's own locks,
     * against the order every other writer takes them in. The timeline ids {@code ids} asks for, when not null,
     * are taken in the same round trip, for {@link #commitLast}.
     */
    public Map<JobKey, LockedJob> lockAll(List<JobKey> keys, Map<JobKey, JobState> toCreate,
            Function<JobKey, JobState> remembered, Alongside ahead, TimelineIds ids) {
        if (ahead != null && !toCreate.isEmpty()) {
            throw new IllegalArgumentException("a statement ahead of the locks cannot follow the jobs' creation");
        }
        List<JobRows.Columns> newRows = toCreate.values().stream().map(state -> columns(state, codec.write(state)))
                .sorted(Comparator.comparing(JobRows.Columns::key, LOCK_ORDER)).toList();
        List<JobKey> created = rows.insertAbsent(newRows);
        List<JobKey> sortedKeys = keys.stream().distinct().sorted(LOCK_ORDER).toList();
        Map<JobKey, JobState> known = new HashMap<>();
        Map<JobKey, Long> knownVersions = new HashMap<>();
        for (JobKey key : sortedKeys) {
            JobState state = remembered.apply(key);
            if (state != null) {
                known.put(key, state);
                knownVersions.put(key, state.version());
            }
        }
        Map<JobKey, LockedJob> locked = new LinkedHashMap<>();
        rows.lockAll(sortedKeys, knownVersions, ahead, ids).forEach((key, row) -> {
            JobState held = known.get(key);
            JobState state = row.stateJson() != null ? codec.read(row.stateJson())
                    : isStored(held, row) ? held : storedState(key);
            locked.put(key, new LockedJob(key, state, created.contains(key)));
        });
        return locked;
    }

    /** The state as stored of a job this transaction has locked, decoded anew (e.g. to undo a change to it). */
    public JobState storedState(JobKey key) {
        return codec.read(rows.stateOf(key));
    }

    /** The row holds this state: same version, same creation (the column keeps microseconds, rounded). */
    private static boolean isStored(JobState state, JobRows.Locked row) {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, state.createdAt());
        long rowMicros = ChronoUnit.MICROS.between(Instant.EPOCH, row.createdAt());
        return state.version() == row.version() && Math.abs(micros - rowMicros) <= 1;
    }

    /** Saves one job's change; see {@link #commit(List, Instant)}. */
    public JobChanged commit(LockedJob job, List<dev.progresshub.domain.Event> timeline, Instant now) {
        return commit(List.of(new Change(job, timeline)), now).getFirst();
    }

    /**
     * Saves the jobs' states with the timeline events they produced ({@code at} falls back to {@code now}):
     * the events in one statement, numbered by the database as it inserts them, then the states in one statement,
     * with what the {@link StateWriteCompanion}s send along once the changes were fired. Returns the changes as
     * they will be published.
     */
    public List<JobChanged> commit(List<Change> jobChanges, Instant now) {
        return commit(jobChanges, now, List.of(), List.of(), null, null, false);
    }

    /**
     * As {@link #commit(List, Instant)}, as the transaction's last statement, with another store's statement
     * ({@code alongside}) sent along with the states; when the locks took enough timeline ids ({@code reserved}),
     * the events go along with the states too. So does the COMMIT, which saves the group commit a round trip of
     * its own: the transaction manager's commit then finds the connection out of a transaction and sends
     * nothing, and a statement that fails before the COMMIT leaves the transaction aborted, rolled back by the
     * transaction manager as before. Nothing may run in the transaction after it: it would run in a transaction
     * of its own.
     */
    public List<JobChanged> commitLast(List<Change> jobChanges, Instant now, List<Alongside> alongside,
            TimelineIds reserved) {
        return commit(jobChanges, now, List.of(), alongside, reserved, null, true);
    }

    /** A job as its writer last wrote it: the version and creation its row must still have. */
    public record LastWritten(JobKey key, long version, Instant createdAt) {
    }

    /**
     * As {@link #commitLast}, in one round trip, for a writer that applied its changes to the states it held from
     * its own last write of these jobs ({@code touched}), without locking them first: the rows are locked in that
     * round trip, ahead of the writes ({@code ahead} first of all), and checked to be still as written then, with
     * no timeline id stored at or above those taken ahead for this write ({@code reserved}). If one is not, the
     * transaction fails with {@link ChangedMeanwhile} before anything is written and commits nothing. When every
     * touched job changed, the state write itself locks and checks the rows ({@link JobRows.StateCheck}): no
     * statement of its own, no row locked twice.
     */
    public List<JobChanged> commitAtOnce(List<Change> jobChanges, List<LastWritten> touched, Instant now,
            Alongside ahead, List<Alongside> alongside, TimelineIds reserved) {
        List<Alongside> checks = new ArrayList<>();
        if (ahead != null) {
            checks.add(ahead);
        }
        long[] first = reserved.first(1);
        long firstId = first == null ? Long.MAX_VALUE : first[0];
        if (touched.size() == jobChanges.size()) {
            Map<JobKey, Long> versions = new HashMap<>();
            touched.forEach(row -> versions.put(row.key(), row.version()));
            JobRows.StateCheck check = new JobRows.StateCheck(versions, firstId);
            return commit(jobChanges, now, checks, alongside, reserved, check, true);
        }
        checks.add(rows.checkingUnchanged(touched.stream().sorted(Comparator.comparing(LastWritten::key, LOCK_ORDER))
                .toList(), firstId));
        return commit(jobChanges, now, checks, alongside, reserved, null, true);
    }

    /**
     * Stores the changes' timeline rows and states; {@code stateCheck}, when not null, has the state write lock
     * and check the rows (null: the transaction locked them before).
     */
    private List<JobChanged> commit(List<Change> jobChanges, Instant now, List<Alongside> ahead,
            List<Alongside> alongside, TimelineIds reserved, JobRows.StateCheck stateCheck, boolean last) {
        List<JobRows.NewEvent> newEvents = new ArrayList<>();
        for (Change change : jobChanges) {
            for (dev.progresshub.domain.Event event : change.timeline()) {
                Instant at = event.at() != null ? event.at() : now;
                newEvents.add(new JobRows.NewEvent(change.job().key(), event.type().wire(), event.stage(), at,
                        eventJson.fieldsAfterId(event, at)));
            }
        }
        List<Alongside> along = new ArrayList<>();
        long[] taken = reserved == null || newEvents.isEmpty() ? null : reserved.first(newEvents.size());
        if (taken != null) {
            along.add(rows.insertingEvents(newEvents, taken));
        }
        long[] ids = taken != null ? taken : rows.insertEvents(newEvents);
        List<List<StoredEvent>> storedByJob = new ArrayList<>();
        int next = 0;
        for (Change change : jobChanges) {
            List<StoredEvent> stored = new ArrayList<>(change.timeline().size());
            for (int i = 0; i < change.timeline().size(); i++, next++) {
                JobRows.NewEvent event = newEvents.get(next);
                change.job().state().recordStored(ids[next]);
                stored.add(new StoredEvent(ids[next], event.type(), event.stage(),
                        EventJson.withId(ids[next], event.fieldsAfterId())));
            }
            storedByJob.add(stored);
        }
        List<JobChanged> published = new ArrayList<>(jobChanges.size());
        for (int i = 0; i < jobChanges.size(); i++) {
            LockedJob job = jobChanges.get(i).job();
            JobSnapshot snapshot = job.state().snapshot();
            JobChanged change = new JobChanged(job.key(), job.state().version(), SnapshotJson.of(snapshot, json),
                    storedByJob.get(i));
            changes.fire(change);
            published.add(change);
        }
        alongside.stream().filter(Objects::nonNull).forEach(along::add);
        companions.stream().map(StateWriteCompanion::alongside).filter(Objects::nonNull).forEach(along::add);
        if (last) {
            along.add(JobRows.COMMITTING);
        }
        rows.updateStates(ahead, jobChanges.stream()
                .map(change -> columns(change.job().state(), codec.write(change.job().state()))).toList(), stateCheck,
                along);
        return published;
    }

    public boolean delete(JobKey key) {
        Optional<LockedJob> job = lock(key);
        job.ifPresent(locked -> {
            rows.delete(key);
            changes.fire(JobChanged.deleted(key, locked.state().version() + 1));
        });
        return job.isPresent();
    }

    /** Removes a job this transaction created for requests that were all refused; nobody has seen it. */
    public void discardCreated(JobKey key) {
        rows.delete(key);
    }

    private JobRows.Columns columns(JobState state, String stateJson) {
        return new JobRows.Columns(new JobKey(state.project(), state.id()), state.status().wire(), state.operation(),
                json.of(state.labels()), stateJson, state.version(), state.lastEventId(), state.createdAt(),
                state.updatedAt(), state.finishedAt(), stallDeadline(state));
    }

    /**
     * Only a running job, or one whose cancel awaits the worker, can run out of time. The deadline is stored
     * rounded down to a step of an eighth of the heartbeat (at least a second): a worker reporting many times a
     * second then changes this indexed column once a step instead of on every write, so PostgreSQL can update
     * the row in place (a HOT update: no new index entries). The stall detector may pick a job up to one step
     * early; the domain's rule, applied under the row lock, decides.
     */
    static Instant stallDeadline(JobState state) {
        boolean watched = state.status() == JobStatus.RUNNING
                || (!state.status().isTerminal() && state.requestedState() == RequestedState.CANCELLED);
        if (!watched) {
            return null;
        }
        Instant lastSign = state.heartbeatAt() != null ? state.heartbeatAt() : state.createdAt();
        long deadline = lastSign.plusSeconds(state.heartbeatSeconds()).getEpochSecond();
        long step = Math.max(1, state.heartbeatSeconds() / 8);
        return Instant.ofEpochSecond(deadline - Math.floorMod(deadline, step));
    }
}
