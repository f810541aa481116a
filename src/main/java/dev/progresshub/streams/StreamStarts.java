package dev.progresshub.streams;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;


import dev.progresshub.config.JsonText;
import dev.progresshub.config.ProgressHubConfig;
import dev.progresshub.domain.JobSnapshot;
import dev.progresshub.domain.JobStatus;
import dev.progresshub.errors.ProblemException;
import dev.progresshub.jobs.JobChanged;
import dev.progresshub.jobs.JobEventEntity;
import dev.progresshub.jobs.JobEventRepository;
import dev.progresshub.jobs.JobFilter;
import dev.progresshub.jobs.JobKey;
import dev.progresshub.jobs.JobLoader;
import dev.progresshub.jobs.SnapshotJson;
import dev.progresshub.read.JobQueryService;
import dev.progresshub.read.SnapshotCache;

/**
 * Reads what a new stream starts with: a snapshot, or with Last-Event-ID exactly the events missed since,
 * or a reset + snapshot when that part of the timeline is gone or too long to replay.
 */
@ApplicationScoped
public class StreamStarts {

    private final JobLoader loader;
    private final JobEventRepository events;
    private final JobQueryService queries;
    private final JsonText json;
    private final SnapshotCache cache;
    private final ProgressHubConfig.Streams config;

    StreamStarts(JobLoader loader, JobEventRepository events, JobQueryService queries, JsonText json,
            SnapshotCache cache, ProgressHubConfig config) {
        this.loader = loader;
        this.cache = cache;
        this.events = events;
        this.queries = queries;
        this.json = json;
        this.config = config.streams();
    }

    /** A new stream (no replay asked) of a job whose snapshot is in memory starts with no database work. */
    public Optional<StreamStart> fromMemory(JobKey key) {
        return cache.get(key).map(cached -> {
            JobChanged current = new JobChanged(key, cached.version(), cached.snapshotJson(), List.of());
            return StreamStart.of(List.of(SseMessage.marker("snapshot", cached.snapshot().lastEventId(), current)),
                    JobStatus.fromWire(cached.snapshot().status()).isTerminal());
        });
    }

    @Transactional
    public StreamStart forJob(JobKey key, Long lastEventId) {
        JobChanged current = loader.current(key)
                .orElseThrow(() -> ProblemException.notFound("no job '" + key.id() + "'"));
        cache.offer(current);
        long newest = current.snapshot().lastEventId();
        boolean finished = JobStatus.fromWire(current.snapshot().status()).isTerminal();
        if (lastEventId == null) {
            return StreamStart.of(List.of(SseMessage.marker("snapshot", newest, current)), finished);
        }
        if (lastEventId > newest || lastEventId < loader.prunedThrough(key)) {
            return StreamStart.of(reset(newest, current), finished);
        }
        if (finished && lastEventId == newest) {
            return StreamStart.nothingMore();
        }
        List<JobEventEntity> missed = events.timeline(key, lastEventId, null, null, config.replayLimit() + 1);
        if (missed.size() > config.replayLimit()) {
            return StreamStart.of(reset(newest, current), finished);
        }
        return StreamStart.of(missed.stream()
                .map(e -> SseMessage.event(JobLoader.stored(e), current))
                .toList(), finished);
    }

    @Transactional
    public StreamStart forJobs(JobFilter filter, Long lastEventId) {
        long newest = events.newestId();
        if (lastEventId == null) {
            return StreamStart.of(snapshots(filter, newest), false);
        }
        List<JobEventEntity> missed = lastEventId > newest ? List.of()
                : events.after(filter.project(), filter.jobIds(), lastEventId, config.replayLimit() + 1);
        if (lastEventId > newest || missed.size() > config.replayLimit()) {
            List<SseMessage> messages = new ArrayList<>();
            messages.add(SseMessage.marker("reset", newest, null));
            messages.addAll(snapshots(filter, newest));
            return StreamStart.of(messages, false);
        }
        Map<JobKey, Optional<JobChanged>> jobs = new LinkedHashMap<>();
        List<SseMessage> messages = new ArrayList<>();
        for (JobEventEntity e : missed) {
            Optional<JobChanged> job = jobs.computeIfAbsent(new JobKey(e.project, e.jobId), loader::current);
            job.filter(j -> filter.covers(j.key(), j.snapshot().status()))
                    .ifPresent(j -> messages.add(SseMessage.event(JobLoader.stored(e), j)));
        }
        return StreamStart.of(messages, false);
    }

    private static List<SseMessage> reset(long newest, JobChanged current) {
        return List.of(SseMessage.marker("reset", newest, current), SseMessage.marker("snapshot", newest, current));
    }

    private List<SseMessage> snapshots(JobFilter filter, long newest) {
        return queries.list(filter, config.globalSnapshotLimit(), null).items().stream()
                .map(snapshot -> SseMessage.marker("snapshot", newest, new JobChanged(
                        new JobKey(snapshot.project(), snapshot.id()), snapshot.version(),
                        SnapshotJson.of(snapshot, json), List.of())))
                .toList();
    }
}
