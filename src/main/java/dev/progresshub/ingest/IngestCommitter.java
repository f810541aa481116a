package dev.progresshub.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.progresshub.config.ProgressHubConfig;
import dev.progresshub.domain.JobState;
import dev.progresshub.errors.ProblemException;
import dev.progresshub.errors.Problems;
import dev.progresshub.ingest.IdempotencyStore.KeyId;
import dev.progresshub.jobs.ChangedMeanwhile;
import dev.progresshub.jobs.JobKey;
import dev.progresshub.jobs.JobStore;
import dev.progresshub.jobs.LockedJob;
import dev.progresshub.jobs.TimelineIdPool;
import dev.progresshub.jobs.TimelineIds;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Group commit: every ingest request waits in a bounded queue; a committer thread takes all that are waiting
 * and applies them in one transaction. Each job is locked (in {@link JobStore#LOCK_ORDER}) and decoded once per
 * group, its requests applied in arrival order, its state written once, its timeline rows in the group's one
 * batch. Each request still gets its own answer, only after the commit that holds it: a refused request is
 * undone alone, a failed commit answers 503 to each request of the group and nothing else. Under load a group
 * goes to PostgreSQL in one round trip, applied to the states its committer holds and checked there to be still
 * current ({@link #applyAtOnce}); otherwise in two, locks first.
 * <p>
 * Lanes, each a queue and its committer, may run side by side ({@code progress-hub.ingest.committers}): a job
 * always goes to the same lane, so a hot job's requests still share whole groups.
 */
@ApplicationScoped
public class IngestCommitter {

    private static final Logger LOG = Logger.getLogger(IngestCommitter.class);
    private static final int MAX_GROUP = 500;
    private static final int MAX_KNOWN_JOBS = 100_000;
    private static final int MAX_REMEMBERED_STATES = 1_000;
    private static final long RETRY_AFTER_SECONDS = 1;
    /**
     * After a group found one of its jobs changed by another writer (another instance writing the same job), its
     * jobs are locked first for this many groups of the lane: while writers take turns on a job, a round trip
     * spent finding that out again would be lost.
     */
    private static final int LOCKED_GROUPS_AFTER_A_CHANGE = 100;

    private final JobStore store;
    private final IdempotencyStore idempotency;
    private final Clock clock;
    private final List<Lane> lanes;
    private final DistributionSummary groupSizes;
    private final Timer groupCommits;
    private final Counter groupsAtOnce;
    private final Counter groupsChangedMeanwhile;
    private volatile boolean running;

    private record Pending(IngestWork work, CompletableFuture<IngestAnswer> answer) {
    }

    /**
     * One committer: its queue, its thread, the jobs it has seen exist and the states it last wrote, so the
     * next group need not decode them again (touched by its thread only).
     */
    private static final class Lane {
        final BlockingQueue<Pending> queue;
        final Set<JobKey> knownJobs = new HashSet<>();
        final Map<JobKey, JobState> written = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<JobKey, JobState> eldest) {
                return size() > MAX_REMEMBERED_STATES;
            }
        };
        final TimelineIdPool ids = new TimelineIdPool();
        /** Jobs another writer changed lately, each with the group count until which it is locked first. */
        final Map<JobKey, Long> sharedJobs = new HashMap<>();
        long groups;
        Thread thread;

        Lane(int capacity) {
            this.queue = new ArrayBlockingQueue<>(capacity);
        }
    }

    IngestCommitter(JobStore store, IdempotencyStore idempotency, Clock clock,
            ProgressHubConfig config, MeterRegistry registry) {
        this.store = store;
        this.idempotency = idempotency;
        this.clock = clock;
        int committers = Math.max(1, config.ingest().committers());
        int capacity = config.limits().ingestQueue();
        this.lanes = IntStream.range(0, committers)
                .mapToObj(i -> new Lane(Math.max(1, capacity / committers))).toList();
        Gauge.builder("progresshub.ingest.queue.depth", lanes, all -> all.stream().mapToInt(l -> l.queue.size()).sum())
                .description("Ingest requests waiting for a group commit").register(registry);
        Gauge.builder("progresshub.ingest.queue.capacity", () -> capacity)
                .description("Ingest requests that may wait; beyond, 503 + Retry-After").register(registry);
        this.groupSizes = DistributionSummary.builder("progresshub.ingest.group.size")
                .description("Ingest requests applied together in one transaction").register(registry);
        this.groupCommits = Timer.builder("progresshub.ingest.group.commit")
                .description("A group's time from its first statement to its answers: locks, writes, commit")
                .register(registry);
        this.groupsAtOnce = Counter.builder("progresshub.ingest.group.at.once")
                .description("Groups written in one round trip, on the states their committer held").register(registry);
        this.groupsChangedMeanwhile = Counter.builder("progresshub.ingest.group.changed.meanwhile")
                .description("Groups whose one round trip found a job changed by another writer: written again, "
                        + "locks first").register(registry);
    }

    /** Queues the request; the answer completes once the group holding it committed (or refused it). */
    public CompletionStage<IngestAnswer> submit(IngestWork work) {
        CompletableFuture<IngestAnswer> answer = new CompletableFuture<>();
        Lane lane = lanes.get(Math.floorMod(work.key().hashCode(), lanes.size()));
        if (!running || !lane.queue.offer(new Pending(work, answer))) {
            throw ProblemException.unavailable("ingest arrives faster than it can be committed (more requests wait "
                    + "than progress-hub.limits.ingest-queue allows); nothing of this request was applied, retry it",
                    RETRY_AFTER_SECONDS);
        }
        return answer;
    }

    void start(@Observes StartupEvent startup) {
        running = true;
        for (int i = 0; i < lanes.size(); i++) {
            Lane lane = lanes.get(i);
            lane.thread = Thread.ofPlatform().name("progress-hub-ingest-committer-" + i).start(() -> run(lane));
        }
    }

    /** In-flight requests had their time to finish before this; whatever still waits is refused. */
    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        running = false;
        for (Lane lane : lanes) {
            if (lane.thread != null) {
                lane.thread.join(Duration.ofSeconds(5));
            }
            List<Pending> left = new ArrayList<>();
            lane.queue.drainTo(left);
            left.forEach(pending -> pending.answer().completeExceptionally(retryLater()));
        }
    }

    private void run(Lane lane) {
        while (running) {
            try {
                Pending first = lane.queue.poll(100, TimeUnit.MILLISECONDS);
                if (first != null) {
                    List<Pending> group = new ArrayList<>();
                    group.add(first);
                    lane.queue.drainTo(group, MAX_GROUP - 1);
                    groupSizes.record(group.size());
                    groupCommits.record(() -> commit(lane, group));
                    if (lane.queue.isEmpty()) {
                        // the ids taken ahead are for a group already waiting only (TimelineIdPool)
                        lane.ids.drop();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("ingest committer failure", e);
            }
        }
    }

    /**
     * Applies and commits one group. A commit that fails for another reason than a lost database is tried
     * again request by request, so one request the database refuses cannot keep failing the others.
     */
    private void commit(Lane lane, List<Pending> group) {
        Instant now = clock.instant();
        Map<Pending, Object> results = new LinkedHashMap<>();
        Map<JobKey, JobInGroup> jobs = new HashMap<>();
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                results.clear();
                jobs.clear();
                jobs.putAll(apply(lane, group, now, results));
            });
        } catch (RuntimeException e) {
            // the states it holds may have been changed by this group in memory only
            lane.written.clear();
            lane.ids.drop();
            ChangedMeanwhile changed = changedMeanwhile(e);
            if (changed != null) {
                // with nothing held, the group goes again locking and reading first
                groupsChangedMeanwhile.increment();
                if (changed.jobChanged()) {
                    lockFirstForAWhile(lane, group);
                }
                commit(lane, group);
                return;
            }
            if (group.size() > 1 && !Problems.causedByLostDatabase(e)) {
                group.forEach(pending -> commit(lane, List.of(pending)));
                return;
            }
            RuntimeException answer = Problems.causedByLostDatabase(e) || group.size() > 1 ? retryLater() : e;
            if (!Problems.causedByLostDatabase(e)) {
                LOG.error("ingest commit failed", e);
            }
            group.forEach(pending -> pending.answer().completeExceptionally(answer));
            return;
        }
        group.forEach(pending -> {
            lane.knownJobs.add(pending.work().key());
            Object result = results.get(pending);
            if (result instanceof IngestAnswer answer) {
                pending.answer().complete(answer);
            } else {
                pending.answer().completeExceptionally((Throwable) result);
            }
        });
        if (lane.knownJobs.size() > MAX_KNOWN_JOBS) {
            lane.knownJobs.clear();
        }
        jobs.forEach((key, job) -> {
            if (job.createdForNothing()) {
                lane.written.remove(key);
            } else {
                lane.written.put(key, job.state());
            }
        });
    }

    /**
     * Applies the group inside its transaction, whose last statement is the state write with the COMMIT sent
     * along; returns the jobs it touched, as they are after it. When the committer holds the state of every job
     * the group touches and the group was waiting behind the last one, everything goes in that one statement
     * ({@link #applyAtOnce}); otherwise, and for a while after another writer was found changing a job, the keys
     * are claimed and the jobs locked in a round trip first.
     */
    private Map<JobKey, JobInGroup> apply(Lane lane, List<Pending> group, Instant now, Map<Pending, Object> results) {
        Map<Pending, Pending> followers = new HashMap<>();
        Map<KeyId, Pending> owners = keyOwners(group, results, followers);
        List<Pending> candidates = group.stream().filter(p -> !results.containsKey(p) && !followers.containsKey(p))
                .toList();
        int wanted = candidates.stream().mapToInt(p -> p.work().maxTimelineEvents()).sum();
        lane.groups++;
        Map<JobKey, JobState> held = heldStates(lane, candidates);
        TimelineIds reserved = held == null ? null : lane.ids.take(wanted);
        Map<JobKey, JobInGroup> jobs = reserved != null
                ? applyAtOnce(lane, candidates, owners, held, reserved, wanted, now, results)
                : applyLocked(lane, candidates, owners, wanted, now, results);
        followers.forEach((follower, owner) -> results.put(follower, results.get(owner)));
        return jobs;
    }

    /**
     * The states the committer holds of every job these requests touch; null when there is none to apply, when
     * it lacks one, or when one was changed by another writer lately.
     */
    private static Map<JobKey, JobState> heldStates(Lane lane, List<Pending> candidates) {
        if (candidates.isEmpty()) {
            return null;
        }
        Map<JobKey, JobState> held = new LinkedHashMap<>();
        for (Pending pending : candidates) {
            JobKey key = pending.work().key();
            JobState state = lane.knownJobs.contains(key) ? lane.written.get(key) : null;
            if (state == null || lane.sharedJobs.getOrDefault(key, 0L) >= lane.groups) {
                return null;
            }
            held.put(key, state);
        }
        return held;
    }

    /**
     * The group applied to the states held and written in one round trip ({@link JobStore#commitAtOnce}): its
     * keys kept as new, its jobs locked and checked unchanged, its timeline rows numbered with the ids the group
     * before took for it, its states, and the COMMIT. A refused request's key was never claimed. If a key was
     * used before or a job changed meanwhile, the transaction fails and commits nothing ({@link #commit} then
     * goes again with locks first).
     */
    private Map<JobKey, JobInGroup> applyAtOnce(Lane lane, List<Pending> candidates, Map<KeyId, Pending> owners,
            Map<JobKey, JobState> held, TimelineIds reserved, int wanted, Instant now, Map<Pending, Object> results) {
        Map<JobKey, JobInGroup> jobs = new LinkedHashMap<>();
        List<JobStore.LastWritten> touched = new ArrayList<>();
        held.forEach((key, state) -> {
            touched.add(new JobStore.LastWritten(key, state.version(), state.createdAt()));
            jobs.put(key, new JobInGroup(new LockedJob(key, state, false), store::storedState));
        });
        applyEach(candidates, jobs, now, results);
        Map<KeyId, IdempotencyStore.Answered> answers = answered(owners, results, new ArrayList<>());
        store.commitAtOnce(changes(jobs), touched, now, idempotency.keepingNew(answers, now),
                List.of(lane.ids.refilling(wanted)), reserved);
        groupsAtOnce.increment();
        return jobs;
    }

    /**
     * The group applied under its locks: its keys claimed and its jobs locked (and created) in a round trip
     * first, the rest with the COMMIT in a second.
     */
    private Map<JobKey, JobInGroup> applyLocked(Lane lane, List<Pending> candidates, Map<KeyId, Pending> owners,
            int wanted, Instant now, Map<Pending, Object> results) {
        lane.ids.drop();
        Map<KeyId, String> hashes = new HashMap<>();
        owners.forEach((id, owner) -> hashes.put(id, owner.work().request().requestHash()));
        Map<JobKey, JobInGroup> jobs;
        TimelineIds timelineIds = new TimelineIds(wanted);
        if (!hashes.isEmpty() && candidates.stream().allMatch(p -> lane.knownJobs.contains(p.work().key()))) {
            // nothing to create: the keys are claimed in the locks' round trip, ahead of them
            IdempotencyStore.Claim claim = idempotency.claiming(hashes, now);
            jobs = lock(lane, candidates, now, results, claim, timelineIds);
            settleTakenKeys(idempotency.seen(claim), owners, hashes, results);
        } else {
            settleTakenKeys(idempotency.claim(hashes, now), owners, hashes, results);
            jobs = lock(lane, candidates.stream().filter(p -> !results.containsKey(p)).toList(), now, results, null,
                    timelineIds);
        }
        applyEach(candidates, jobs, now, results);
        List<KeyId> refused = new ArrayList<>();
        Map<KeyId, IdempotencyStore.Answered> answers = answered(owners, results, refused);
        jobs.values().stream().filter(JobInGroup::createdForNothing).forEach(job -> store.discardCreated(job.key()));
        idempotency.release(refused);
        store.commitLast(changes(jobs), now,
                Arrays.asList(idempotency.remembering(answers, now), lane.ids.refilling(wanted)),
                timelineIds);
        return jobs;
    }

    /** Applies each request not answered yet to its job, in arrival order; a refusal is its answer. */
    private static void applyEach(List<Pending> candidates, Map<JobKey, JobInGroup> jobs, Instant now,
            Map<Pending, Object> results) {
        for (Pending pending : candidates) {
            if (results.containsKey(pending)) {
                continue;
            }
            JobInGroup job = jobs.get(pending.work().key());
            if (job == null) {
                results.put(pending, pending.work().notFound());
                continue;
            }
            try {
                results.put(pending, job.apply(pending.work(), now));
            } catch (RuntimeException refused) {
                results.put(pending, refused);
            }
        }
    }

    /** The answers to keep for the keys whose requests were applied; the others' keys go to {@code refused}. */
    private static Map<KeyId, IdempotencyStore.Answered> answered(Map<KeyId, Pending> owners,
            Map<Pending, Object> results, List<KeyId> refused) {
        Map<KeyId, IdempotencyStore.Answered> answers = new HashMap<>();
        owners.forEach((id, owner) -> {
            if (results.get(owner) instanceof IngestAnswer answer) {
                answers.put(id, new IdempotencyStore.Answered(owner.work().request().requestHash(), answer));
            } else {
                refused.add(id);
            }
        });
        return answers;
    }

    private static List<JobStore.Change> changes(Map<JobKey, JobInGroup> jobs) {
        return jobs.values().stream().filter(JobInGroup::hasChanges).map(JobInGroup::change).toList();
    }

    private static void lockFirstForAWhile(Lane lane, List<Pending> group) {
        if (lane.sharedJobs.size() > MAX_REMEMBERED_STATES) {
            lane.sharedJobs.clear();
        }
        group.forEach(pending -> lane.sharedJobs.put(pending.work().key(), lane.groups + LOCKED_GROUPS_AFTER_A_CHANGE));
    }

    private static ChangedMeanwhile changedMeanwhile(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ChangedMeanwhile changed) {
                return changed;
            }
        }
        return null;
    }

    /**
     * The group's Idempotency-Keys, each with the request that owns it: a key used twice in this group is
     * applied once, its second request gets the first one's answer (a follower), or 422 for another body.
     */
    private static Map<KeyId, Pending> keyOwners(List<Pending> group, Map<Pending, Object> results,
            Map<Pending, Pending> followers) {
        Map<KeyId, Pending> owners = new LinkedHashMap<>();
        for (Pending pending : group) {
            IngestService.Request request = pending.work().request();
            if (request.idempotencyKey() == null) {
                continue;
            }
            KeyId id = new KeyId(request.caller().tokenId(), request.idempotencyKey());
            Pending owner = owners.get(id);
            if (owner == null) {
                owners.put(id, pending);
            } else if (owner.work().request().requestHash().equals(request.requestHash())) {
                followers.put(pending, owner);
            } else {
                results.put(pending, ProblemException.idempotencyMismatch());
            }
        }
        return owners;
    }

    /**
     * A key seen before answers its request with its first answer (or 422 for another body) and leaves the
     * owners: what remains are the keys this group claimed.
     */
    private static void settleTakenKeys(Map<KeyId, IdempotencyStore.Stored> taken, Map<KeyId, Pending> owners,
            Map<KeyId, String> hashes, Map<Pending, Object> results) {
        taken.forEach((id, stored) -> {
            Pending owner = owners.remove(id);
            if (!stored.requestHash().equals(hashes.get(id))) {
                results.put(owner, ProblemException.idempotencyMismatch());
            } else if (stored.answer() == null) {
                results.put(owner, retryLater());
            } else {
                results.put(owner, stored.answer());
            }
        });
    }

    /**
     * Locks every job the group touches, creating the missing ones a request may create (the first such
     * request in arrival order says how). A job not known to exist is offered for creation up front; one that
     * vanished since is created in a second round. {@code claim}, when not null, goes ahead of the locks; the
     * first round takes {@code timelineIds}, a second round drops them.
     */
    private Map<JobKey, JobInGroup> lock(Lane lane, List<Pending> toApply, Instant now, Map<Pending, Object> results,
            IdempotencyStore.Claim claim, TimelineIds timelineIds) {
        List<JobKey> keys = toApply.stream().map(p -> p.work().key()).distinct().toList();
        Map<JobKey, LockedJob> locked = new HashMap<>(store.lockAll(keys,
                newJobs(toApply, now, results, key -> !lane.knownJobs.contains(key)), lane.written::get, claim,
                timelineIds));
        List<JobKey> missing = keys.stream().filter(key -> !locked.containsKey(key)).toList();
        if (!missing.isEmpty()) {
            Map<JobKey, JobState> toCreate = newJobs(toApply, now, results, missing::contains);
            if (!toCreate.isEmpty()) {
                locked.putAll(store.lockAll(List.copyOf(toCreate.keySet()), toCreate, lane.written::get, null,
                        null));
                timelineIds.drop();
            }
        }
        Map<JobKey, JobInGroup> jobs = new LinkedHashMap<>();
        locked.forEach((key, job) -> jobs.put(key, new JobInGroup(job, store::storedState)));
        return jobs;
    }

    private static Map<JobKey, JobState> newJobs(List<Pending> toApply, Instant now, Map<Pending, Object> results,
            java.util.function.Predicate<JobKey> wanted) {
        Map<JobKey, JobState> toCreate = new HashMap<>();
        for (Pending pending : toApply) {
            JobKey key = pending.work().key();
            if (toCreate.containsKey(key) || results.containsKey(pending) || !wanted.test(key)) {
                continue;
            }
            try {
                Optional<JobState> job = pending.work().newJob(now);
                job.ifPresent(state -> toCreate.put(key, state));
            } catch (RuntimeException refused) {
                results.put(pending, refused);
            }
        }
        return toCreate;
    }

    private static ProblemException retryLater() {
        return ProblemException.unavailable("the commit did not happen; nothing of this request was applied, retry it",
                RETRY_AFTER_SECONDS);
    }
}
