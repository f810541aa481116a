package dev.progresshub.jobs;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;


import dev.progresshub.config.JsonText;
import dev.progresshub.domain.JobSnapshot;

/** Reads committed jobs without locking them: for caches, streams and other instances' changes. */
@ApplicationScoped
public class JobLoader {

    private final JobRepository jobs;
    private final JobEventRepository events;
    private final JobStateCodec codec;
    private final JsonText json;

    JobLoader(JobRepository jobs, JobEventRepository events, JobStateCodec codec, JsonText json) {
        this.jobs = jobs;
        this.events = events;
        this.codec = codec;
        this.json = json;
    }

    /** The job as a change carrying no events: what a cache or a new stream starts from. */
    @Transactional
    public Optional<JobChanged> current(JobKey key) {
        return jobs.find(key).map(entity -> change(entity, List.of()));
    }

    /** The job with its timeline events in (afterEventId, lastEventId]: what another instance committed. */
    @Transactional
    public Optional<JobChanged> changeSince(JobKey key, long afterEventId, long lastEventId, int limit) {
        return jobs.find(key).map(entity -> change(entity, events.timeline(key, afterEventId, null, null, limit)
                .stream()
                .filter(e -> e.id <= lastEventId)
                .map(JobLoader::stored)
                .toList()));
    }

    /** The job's prune mark: replays from before it may have lost events. */
    @Transactional
    public long prunedThrough(JobKey key) {
        return jobs.find(key).map(entity -> entity.prunedThrough).orElse(0L);
    }

    public static StoredEvent stored(JobEventEntity e) {
        return new StoredEvent(e.id, e.type, e.stage, e.body);
    }

    private JobChanged change(JobEntity entity, List<StoredEvent> stored) {
        JobSnapshot snapshot = codec.read(entity.state).snapshot();
        return new JobChanged(entity.key(), entity.version, SnapshotJson.of(snapshot, json), stored);
    }
}
