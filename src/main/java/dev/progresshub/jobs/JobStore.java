package dev.progresshub.jobs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;


import dev.progresshub.cluster.ClusterNotifier;
import dev.progresshub.config.JsonText;
import dev.progresshub.domain.JobSnapshot;
import dev.progresshub.domain.JobState;
import dev.progresshub.domain.JobStatus;
import dev.progresshub.domain.RequestedState;

/**
 * Loads, locks and saves jobs. Every writer goes through {@link #commit}: it stores the new timeline events
 * and the state in the caller's transaction, sends one cluster notification, and announces the change to
 * the cache and the streams once the transaction has committed.
 */
@ApplicationScoped
@Transactional(TxType.MANDATORY)
public class JobStore {

    private final JobRepository jobs;
    private final JobEventRepository events;
    private final JobStateCodec codec;
    private final EventJson eventJson;
    private final JsonText json;
    private final ClusterNotifier cluster;
    private final Event<JobChanged> changes;

    JobStore(JobRepository jobs, JobEventRepository events, JobStateCodec codec, EventJson eventJson,
            JsonText json, ClusterNotifier cluster, Event<JobChanged> changes) {
        this.jobs = jobs;
        this.events = events;
        this.codec = codec;
        this.eventJson = eventJson;
        this.json = json;
        this.cluster = cluster;
        this.changes = changes;
    }

    public Optional<LockedJob> lock(JobKey key) {
        return jobs.findLocked(key).map(entity -> new LockedJob(entity, codec.read(entity.state)));
    }

    /** Locks the job, creating it first from {@code newJob} when it does not exist yet. */
    public LockedJob lockOrCreate(JobKey key, Supplier<JobState> newJob) {
        return lock(key).orElseGet(() -> {
            jobs.insertIfAbsent(toNewEntity(newJob.get()));
            return lock(key).orElseThrow();
        });
    }

    /**
     * Saves the job's state with the timeline events it produced ({@code at} falls back to {@code now}),
     * and returns the change as it will be published.
     */
    public JobChanged commit(LockedJob job, List<dev.progresshub.domain.Event> timeline, Instant now) {
        List<StoredEvent> stored = append(job, timeline, now);
        JobEntity entity = job.entity();
        copyState(job.state(), entity);
        JobSnapshot snapshot = job.state().snapshot();
        long firstNew = stored.isEmpty() ? entity.lastEventId : stored.getFirst().id() - 1;
        cluster.jobChanged(job.key(), entity.version, firstNew, entity.lastEventId);
        JobChanged change = new JobChanged(job.key(), entity.version, snapshot, json.of(snapshot), stored);
        changes.fire(change);
        return change;
    }

    public boolean delete(JobKey key) {
        Optional<JobEntity> job = jobs.findLocked(key);
        job.ifPresent(entity -> {
            jobs.delete(entity);
            cluster.jobDeleted(key, entity.version + 1);
            changes.fire(JobChanged.deleted(key, entity.version + 1));
        });
        return job.isPresent();
    }

    private List<StoredEvent> append(LockedJob job, List<dev.progresshub.domain.Event> timeline, Instant now) {
        if (timeline.isEmpty()) {
            return List.of();
        }
        long[] ids = events.reserveIds(timeline.size());
        List<StoredEvent> stored = new ArrayList<>(timeline.size());
        for (int i = 0; i < timeline.size(); i++) {
            dev.progresshub.domain.Event event = timeline.get(i);
            JobEventEntity row = new JobEventEntity();
            row.id = ids[i];
            row.project = job.key().project();
            row.jobId = job.key().id();
            row.type = event.type().wire();
            row.stage = event.stage();
            row.at = event.at() != null ? event.at() : now;
            row.body = eventJson.write(row.id, event, row.at);
            events.persist(row);
            job.state().recordStored(row.id);
            stored.add(new StoredEvent(row.id, row.type, row.stage, row.body));
        }
        return stored;
    }

    private JobEntity toNewEntity(JobState state) {
        JobEntity entity = new JobEntity();
        entity.project = state.project();
        entity.id = state.id();
        entity.createdAt = state.createdAt();
        copyState(state, entity);
        return entity;
    }

    private void copyState(JobState state, JobEntity entity) {
        entity.status = state.status().wire();
        entity.operation = state.operation();
        entity.labels = json.of(state.labels());
        entity.state = codec.write(state);
        entity.version = state.version();
        entity.lastEventId = state.lastEventId();
        entity.updatedAt = state.updatedAt();
        entity.finishedAt = state.finishedAt();
        entity.stallAt = stallDeadline(state);
    }

    /** Only a running job, or one whose cancel awaits the worker, can run out of time. */
    private static Instant stallDeadline(JobState state) {
        boolean watched = state.status() == JobStatus.RUNNING
                || (!state.status().isTerminal() && state.requestedState() == RequestedState.CANCELLED);
        if (!watched) {
            return null;
        }
        Instant lastSign = state.heartbeatAt() != null ? state.heartbeatAt() : state.createdAt();
        return lastSign.plusSeconds(state.heartbeatSeconds());
    }
}
