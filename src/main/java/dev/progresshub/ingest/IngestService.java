package dev.progresshub.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;


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
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Applies what workers report. Every request becomes an {@link IngestWork} for the group committer: many
 * requests share one transaction, each gets its own answer once that transaction committed.
 */
@ApplicationScoped
public class IngestService {

    public static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");
    public static final long DEFAULT_HEARTBEAT_SECONDS = 300;

    private final IngestCommitter committer;
    private final JsonText json;
    private final DomainLimits limits;
    private final Counter acceptedEvents;
    private final Counter duplicateEvents;

    IngestService(IngestCommitter committer, JsonText json, DomainLimits limits, MeterRegistry registry) {
        this.committer = committer;
        this.json = json;
        this.limits = limits;
        this.acceptedEvents = registry.counter("progresshub.ingest.events", "outcome", "accepted");
        this.duplicateEvents = registry.counter("progresshub.ingest.events", "outcome", "duplicate");
    }

    /** A retry-safe unit of ingest work: with a key, the first committed answer is replayed. */
    public record Request(Caller caller, String idempotencyKey, String requestHash) {

        private static final int MAX_KEY_LENGTH = 255;

        /** Without a key: applied every time it is sent. */
        public static Request once(Caller caller) {
            return new Request(caller, null, null);
        }

        /**
         * The request's retry identity: its key, and a hash of what it asked (path, query and body), to spot a
         * reused key.
         */
        public static Request of(Caller caller, String idempotencyKey, String rawPath, String rawQuery,
                byte[] body) {
            if (idempotencyKey == null || idempotencyKey.isBlank()) {
                return once(caller);
            }
            if (idempotencyKey.length() > MAX_KEY_LENGTH) {
                throw ProblemException.invalid("Idempotency-Key", "at most " + MAX_KEY_LENGTH + " characters");
            }
            try {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                digest.update((rawQuery == null ? rawPath : rawPath + "?" + rawQuery).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(body);
                return new Request(caller, idempotencyKey, HexFormat.of().formatHex(digest.digest()));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is always present", e);
            }
        }
    }

    /** {@code POST /api/jobs}: 201 when this request created the job, 200 when it already existed. */
    public CompletionStage<IngestAnswer> createJob(Request request, String project, CreateJobRequest body) {
        if (body.id() != null) {
            validateJobId(body.id());
        }
        // the rules JobState.create applies, checked before the id is looked up: a bad body is a 400 even
        // when the job exists
        NewJob.of(body).check(limits);
        JobKey key = new JobKey(project, body.id() == null ? UUID.randomUUID().toString() : body.id());
        return committer.submit(new CreateJob(request, key, body));
    }

    /** Events for a job (an unknown job is created). */
    public CompletionStage<IngestAnswer> ingest(Request request, JobKey key, List<Event> events) {
        return ingest(request, key, events, Set.of());
    }

    /**
     * As {@link #ingest(Request, JobKey, List)}, for an adapter whose events of the {@code carried} types are held
     * by another of its events: applied, without timeline rows of their own.
     */
    public CompletionStage<IngestAnswer> ingest(Request request, JobKey key, List<Event> events,
            Set<EventType> carried) {
        Events work = new Events(request, key, events, carried);
        return committer.submit(work).thenApply(answer -> counted(work, answer));
    }

    /** Events an adapter found (a log batch): applied like a request without a key, answered as a receipt. */
    public CompletionStage<IngestReceipt> apply(Caller caller, JobKey key, List<Event> events) {
        Events work = new Events(Request.once(caller), key, events, Set.of());
        return committer.submit(work).thenApply(answer -> counted(work, answer)).thenApply(answer -> work.receipt);
    }

    /** Queues adapter work (sessions) that has rules of its own. */
    public CompletionStage<IngestAnswer> submit(IngestWork work) {
        return committer.submit(work);
    }

    /**
     * Applies events to a job in a group; adapters with rules of their own call this too, so there is one
     * copy of the rules and of the answer.
     */
    public IngestReceipt applyEvents(JobInGroup job, List<Event> events, Instant now) {
        return applyEvents(job, events, now, false, Set.of());
    }

    /**
     * As {@link #applyEvents(JobInGroup, List, Instant)}; {@code created} says these events created the job,
     * which the receipt warns about unless they begin with job_start. Events of the {@code carried} types are
     * applied without a timeline row: another event of the same request holds what they say.
     */
    public IngestReceipt applyEvents(JobInGroup job, List<Event> events, Instant now, boolean created,
            Set<EventType> carried) {
        List<Warning> warnings = new ArrayList<>();
        if (created && !events.isEmpty() && events.getFirst().type() != EventType.JOB_START) {
            warnings.add(new Warning("id", "no job '" + job.key().id() + "' existed, so these events created it; "
                    + "a job usually begins with job_start or POST /api/jobs: check the id"));
        }
        int accepted = 0;
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            String position = events.size() > 1 ? "[" + i + "]." : "";
            if (job.state().apply(event, now, limits, warning -> warnings.add(warning.at(position)))
                    == Applied.APPLIED) {
                accepted++;
                if (event.type().keptInTimeline() && !carried.contains(event.type())) {
                    job.record(event);
                } else {
                    job.changed();
                }
            }
        }
        JobState state = job.state();
        return new IngestReceipt(accepted, events.size() - accepted, new IngestReceipt.JobBrief(
                state.status().wire(), state.requestedState() == null ? null : state.requestedState().wire(),
                state.version()), warnings);
    }

    /** The answer of an applied events request. */
    public IngestAnswer answer(IngestReceipt receipt) {
        return new IngestAnswer(200, json.of(receipt), null);
    }

    private IngestAnswer counted(Events work, IngestAnswer answer) {
        IngestReceipt receipt = work.receipt;
        if (receipt != null) {
            acceptedEvents.increment(receipt.accepted());
            duplicateEvents.increment(receipt.duplicates());
        }
        return answer;
    }

    /** Events to one job, created when unknown. */
    private final class Events extends IngestWork {
        private final List<Event> events;
        private final Set<EventType> carried;
        /** Set when applied; read once the commit completed the answer. */
        private volatile IngestReceipt receipt;

        Events(Request request, JobKey key, List<Event> events, Set<EventType> carried) {
            super(request, key);
            this.events = events;
            this.carried = carried;
        }

        @Override
        public Optional<JobState> newJob(Instant now) {
            return Optional.of(JobState.create(key().project(), key().id(), key().id(), null, null, List.of(), Map.of(),
                    DEFAULT_HEARTBEAT_SECONDS, now, limits));
        }

        @Override
        public int maxTimelineEvents() {
            return (int) events.stream().filter(event -> !carried.contains(event.type())).count();
        }

        @Override
        public IngestAnswer apply(JobInGroup job, Instant now) {
            receipt = applyEvents(job, events, now, job.takeCreation(), carried);
            return answer(receipt);
        }
    }

    /** A new job: the request that created it announces it with a job_created event and answers 201. */
    private final class CreateJob extends IngestWork {
        private final CreateJobRequest body;

        CreateJob(Request request, JobKey key, CreateJobRequest body) {
            super(request, key);
            this.body = body;
        }

        @Override
        public Optional<JobState> newJob(Instant now) {
            return Optional.of(IngestService.this.newJob(key(), body, now));
        }

        @Override
        public int maxTimelineEvents() {
            return 1;
        }

        @Override
        public IngestAnswer apply(JobInGroup job, Instant now) {
            boolean created = job.takeCreation();
            if (created) {
                // a timeline event announces the new job to streams before any worker reports
                job.record(Event.builder(EventType.JOB_CREATED).build());
            }
            return new IngestAnswer(created ? 201 : 200, json.of(job.state().snapshot()), "/api/jobs/" + key().id());
        }
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
