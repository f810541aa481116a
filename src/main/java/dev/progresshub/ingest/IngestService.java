package dev.progresshub.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;


import dev.progresshub.auth.Caller;
import dev.progresshub.config.JsonText;
import dev.progresshub.domain.Event;
import dev.progresshub.domain.EventType;
import dev.progresshub.domain.Applied;
import dev.progresshub.domain.DomainLimits;
import dev.progresshub.domain.Warning;
import dev.progresshub.domain.JobState;
import dev.progresshub.domain.StageSpec;
import dev.progresshub.errors.ProblemException;
import dev.progresshub.jobs.JobKey;
import dev.progresshub.jobs.JobStore;
import dev.progresshub.jobs.LockedJob;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Applies what workers report. One request is one transaction: the job row is locked, every event is
 * applied in memory, the timeline rows go out in one JDBC batch and the state in one update. A 2xx is
 * sent only after that commit.
 */
@ApplicationScoped
public class IngestService {

    public static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");
    public static final long DEFAULT_HEARTBEAT_SECONDS = 300;

    private final JobStore store;
    private final IdempotencyStore idempotency;
    private final JsonText json;
    private final Clock clock;
    private final DomainLimits limits;
    private final Counter acceptedEvents;
    private final Counter duplicateEvents;

    IngestService(JobStore store, IdempotencyStore idempotency, JsonText json, Clock clock, DomainLimits limits,
            MeterRegistry registry) {
        this.store = store;
        this.idempotency = idempotency;
        this.json = json;
        this.clock = clock;
        this.limits = limits;
        this.acceptedEvents = registry.counter("progresshub.ingest.events", "outcome", "accepted");
        this.duplicateEvents = registry.counter("progresshub.ingest.events", "outcome", "duplicate");
    }

    /** A retry-safe unit of ingest work: with a key, the first committed answer is replayed. */
    public record Request(Caller caller, String idempotencyKey, String requestHash) {

        private static final int MAX_KEY_LENGTH = 255;

        /** The request's retry identity: its key, and a hash of what it asked, to spot a reused key. */
        public static Request of(Caller caller, String idempotencyKey, String path, byte[] body) {
            if (idempotencyKey == null || idempotencyKey.isBlank()) {
                return new Request(caller, null, null);
            }
            if (idempotencyKey.length() > MAX_KEY_LENGTH) {
                throw ProblemException.invalid("Idempotency-Key", "at most " + MAX_KEY_LENGTH + " characters");
            }
            try {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                digest.update(path.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(body);
                return new Request(caller, idempotencyKey, HexFormat.of().formatHex(digest.digest()));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is always present", e);
            }
        }
    }

    @Transactional
    public IngestAnswer createJob(Request request, String project, CreateJobRequest body) {
        if (body.id() != null) {
            validateJobId(body.id());
        }
        // the rules JobState.create applies, checked before the id is looked up: a bad body is a 400 even
        // when the job exists
        NewJob.of(body).check(limits);
        return idempotent(request, () -> {
            String id = body.id() == null ? UUID.randomUUID().toString() : body.id();
            JobKey key = new JobKey(project, id);
            Instant now = clock.instant();
            Optional<LockedJob> existing = store.lock(key);
            LockedJob job = existing.orElseGet(() -> store.lockOrCreate(key, () -> newJob(key, body, now)));
            if (existing.isEmpty()) {
                // a timeline event announces the new job to streams before any worker reports
                store.commit(job, List.of(Event.builder(EventType.JOB_CREATED).build()), now);
            }
            return new IngestAnswer(existing.isPresent() ? 200 : 201, json.of(job.state().snapshot()), "/api/jobs/" + id);
        });
    }

    @Transactional
    public IngestAnswer ingest(Request request, JobKey key, List<Event> events) {
        return idempotent(request, () -> new IngestAnswer(200, json.of(apply(key, events)), null));
    }

    /**
     * Applies events to a job (creating it when unknown) inside the caller's transaction. Adapters that
     * translate other payloads into events call this too, so there is one copy of the rules.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public IngestReceipt apply(JobKey key, List<Event> events) {
        Instant now = clock.instant();
        boolean[] created = { false };
        LockedJob job = store.lockOrCreate(key, () -> {
            created[0] = true;
            return JobState.create(key.project(), key.id(), key.id(), null, null, List.of(), Map.of(),
                    DEFAULT_HEARTBEAT_SECONDS, now, limits);
        });
        List<Warning> warnings = new ArrayList<>();
        if (created[0] && !events.isEmpty() && events.getFirst().type() != EventType.JOB_START) {
            warnings.add(new Warning("id", "no job '" + key.id() + "' existed, so these events created it; "
                    + "a job usually begins with job_start or POST /api/jobs: check the id"));
        }
        int accepted = 0;
        List<Event> timeline = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            String position = events.size() > 1 ? "[" + i + "]." : "";
            if (job.state().apply(event, now, limits, warning -> warnings.add(warning.at(position)))
                    == Applied.APPLIED) {
                accepted++;
                if (event.type().keptInTimeline()) {
                    timeline.add(event);
                }
            }
        }
        if (accepted > 0) {
            store.commit(job, timeline, now);
        }
        acceptedEvents.increment(accepted);
        duplicateEvents.increment(events.size() - accepted);
        JobState state = job.state();
        return new IngestReceipt(accepted, events.size() - accepted, new IngestReceipt.JobBrief(
                state.status().wire(), state.requestedState() == null ? null : state.requestedState().wire(),
                state.version()), warnings);
    }

    /** Runs work at most once per Idempotency-Key; callers must hold a transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public IngestAnswer idempotent(Request request, Supplier<IngestAnswer> work) {
        if (request.idempotencyKey() == null) {
            return work.get();
        }
        String tokenId = request.caller().tokenId();
        Optional<IngestAnswer> first = idempotency.claim(tokenId, request.idempotencyKey(), request.requestHash(),
                clock.instant());
        if (first.isPresent()) {
            return first.get();
        }
        IngestAnswer answer = work.get();
        idempotency.remember(tokenId, request.idempotencyKey(), answer);
        return answer;
    }

    private JobState newJob(JobKey key, CreateJobRequest body, Instant now) {
        NewJob job = NewJob.of(body);
        return JobState.create(key.project(), key.id(), job.name(), job.operation(), job.total(), job.stages(),
                job.labels(), job.heartbeatSeconds(), now, limits);
    }

    /** The body's parts as the domain takes them (absent stages/labels empty, the default heartbeat). */
    private record NewJob(String name, String operation, Long total, List<StageSpec> stages,
            Map<String, String> labels, long heartbeatSeconds) {

        static NewJob of(CreateJobRequest body) {
            List<StageSpec> stages = body.stages() == null ? List.of() : body.stages().stream()
                    .map(s -> s == null ? null : new StageSpec(s.name(), s.total())).toList();
            long heartbeat = body.heartbeatSeconds() == null ? DEFAULT_HEARTBEAT_SECONDS : body.heartbeatSeconds();
            return new NewJob(body.name(), body.operation(), body.total(), stages,
                    body.labels() == null ? Map.of() : new LinkedHashMap<>(body.labels()), heartbeat);
        }

        void check(DomainLimits limits) {
            JobState.checkNew(name, operation, total, stages, labels, heartbeatSeconds, limits);
        }
    }

    public static void validateJobId(String id) {
        if (id == null || !JOB_ID.matcher(id).matches()) {
            throw ProblemException.invalid("id", "1-128 characters: letters, digits and . _ : @ -, "
                    + "starting with a letter or digit");
        }
    }
}
