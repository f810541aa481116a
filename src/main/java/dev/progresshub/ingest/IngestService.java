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
    private static final int MAX_LABELS = 32;

    private final JobStore store;
    private final IdempotencyStore idempotency;
    private final JsonText json;
    private final Clock clock;
    private final Counter acceptedEvents;
    private final Counter duplicateEvents;

    IngestService(JobStore store, IdempotencyStore idempotency, JsonText json, Clock clock,
            MeterRegistry registry) {
        this.store = store;
        this.idempotency = idempotency;
        this.json = json;
        this.clock = clock;
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
        validate(body);
        if (body.id() != null) {
            validateJobId(body.id());
        }
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
        LockedJob job = store.lockOrCreate(key, () -> JobState.create(key.project(), key.id(), key.id(), null, null,
                List.of(), Map.of(), DEFAULT_HEARTBEAT_SECONDS, now));
        int accepted = 0;
        List<Event> timeline = new ArrayList<>();
        for (Event event : events) {
            if (job.state().apply(event, now) == Applied.APPLIED) {
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
                state.version()));
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

    private static JobState newJob(JobKey key, CreateJobRequest body, Instant now) {
        List<StageSpec> stages = body.stages() == null ? List.of()
                : body.stages().stream().map(s -> new StageSpec(s.name(), s.total())).toList();
        long heartbeat = body.heartbeatSeconds() == null ? DEFAULT_HEARTBEAT_SECONDS : body.heartbeatSeconds();
        return JobState.create(key.project(), key.id(), body.name().strip(), body.operation(), body.total(), stages,
                body.labels() == null ? Map.of() : new LinkedHashMap<>(body.labels()), heartbeat, now);
    }

    public static void validateJobId(String id) {
        if (id == null || !JOB_ID.matcher(id).matches()) {
            throw ProblemException.invalid("id", "1-128 characters: letters, digits and . _ : @ -, "
                    + "starting with a letter or digit");
        }
    }

    private static void validate(CreateJobRequest body) {
        if (body.name() == null || body.name().isBlank() || body.name().length() > 512) {
            throw ProblemException.invalid("name", "required, at most 512 characters");
        }
        if (body.total() != null && body.total() < 0) {
            throw ProblemException.invalid("total", "must not be negative");
        }
        if (body.heartbeatSeconds() != null && (body.heartbeatSeconds() < 5 || body.heartbeatSeconds() > 604_800)) {
            throw ProblemException.invalid("heartbeatSeconds", "between 5 and 604800");
        }
        if (body.labels() != null && (body.labels().size() > MAX_LABELS || body.labels().entrySet().stream()
                .anyMatch(l -> l.getKey().isBlank() || l.getKey().length() > 64 || l.getValue() == null
                        || l.getValue().length() > 256))) {
            throw ProblemException.invalid("labels", "at most " + MAX_LABELS
                    + " labels, keys 1-64 and values up to 256 characters");
        }
        if (body.stages() != null) {
            for (int i = 0; i < body.stages().size(); i++) {
                var stage = body.stages().get(i);
                if (stage == null || stage.name() == null || stage.name().isBlank() || stage.name().length() > 512) {
                    throw ProblemException.invalid("stages[" + i + "].name", "required, at most 512 characters");
                }
                if (stage.total() != null && stage.total() < 0) {
                    throw ProblemException.invalid("stages[" + i + "].total", "must not be negative");
                }
            }
        }
    }
}
