package dev.progresshub.ingest.session;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import dev.progresshub.config.JsonText;
import dev.progresshub.domain.DomainLimits;
import dev.progresshub.domain.Event;
import dev.progresshub.domain.EventType;
import dev.progresshub.domain.JobSnapshot;
import dev.progresshub.domain.JobState;
import dev.progresshub.errors.ProblemException;
import dev.progresshub.ingest.AdapterEvents;
import dev.progresshub.ingest.IngestAnswer;
import dev.progresshub.ingest.IngestService;
import dev.progresshub.ingest.IngestWork;
import dev.progresshub.ingest.JobInGroup;
import dev.progresshub.jobs.JobKey;

/**
 * Seed-001 progress sessions as jobs: a session is a job labelled {@code source=session} whose total is
 * the session's steps; updates, completion and errors are the job's events. Each call is a request of the
 * ingest group commit, answered once its group committed.
 */
@ApplicationScoped
public class SessionService {

    static final long DEFAULT_TOTAL_STEPS = 100;
    private static final Map<String, String> PAYLOAD_FIELDS = Map.of("current", "step", "phase", "message");

    private final IngestService ingest;
    private final JsonText json;
    private final DomainLimits limits;

    SessionService(IngestService ingest, JsonText json, DomainLimits limits) {
        this.ingest = ingest;
        this.json = json;
        this.limits = limits;
    }

    /** The new session's id, {@code {"sessionId": …}}, 201 with its status URL. */
    public CompletionStage<IngestAnswer> create(IngestService.Request request, String project,
            SessionRequests.Create body) {
        String operation = body.operation() == null || body.operation().isBlank() ? "operation" : body.operation();
        long totalSteps = body.totalSteps() == null ? DEFAULT_TOTAL_STEPS : body.totalSteps();
        if (totalSteps < 1) {
            throw ProblemException.invalid("totalSteps", "at least 1");
        }
        Map<String, String> labels = Map.of(SessionView.LABEL_KEY, SessionView.LABEL_VALUE);
        // the rules JobState.create applies, checked before the request is queued
        JobState.checkNew(operation, operation, totalSteps, List.of(), labels,
                IngestService.DEFAULT_HEARTBEAT_SECONDS, limits);
        return ingest.submit(new NewSession(request, new JobKey(project, UUID.randomUUID().toString()), operation,
                totalSteps));
    }

    public CompletionStage<IngestAnswer> update(IngestService.Request request, JobKey key,
            SessionRequests.Update body) {
        String details = details(body);
        return ingest.submit(new Report(request, key, session -> List.of(Event.builder(EventType.JOB_PROGRESS)
                .current(body.step()).message(body.message()).phase(body.message()).details(details)
                .build())));
    }

    /** Completion fills the session's steps, so its bar ends at 100% everywhere, then completes the job. */
    public CompletionStage<IngestAnswer> complete(IngestService.Request request, JobKey key,
            SessionRequests.End body) {
        return ingest.submit(new Report(request, key, session -> {
            List<Event> events = new ArrayList<>();
            if (session.progress().total() != null) {
                events.add(Event.builder(EventType.JOB_PROGRESS).current(session.progress().total()).build());
            }
            events.add(Event.builder(EventType.JOB_COMPLETE).message(body.message()).build());
            return events;
        }));
    }

    public CompletionStage<IngestAnswer> error(IngestService.Request request, JobKey key, SessionRequests.End body) {
        String error = body.message() == null || body.message().isBlank() ? "error" : body.message();
        return ingest.submit(new Report(request, key, session -> List.of(Event.builder(EventType.JOB_FAIL).error(error)
                .message(error).build())));
    }

    private String details(SessionRequests.Update body) {
        if (body.details() == null || body.details().isNull()) {
            return null;
        }
        return body.details().isTextual() ? body.details().asText() : json.of(body.details());
    }

    /** A new session: a job with the session label, announced by a job_created event. */
    private final class NewSession extends IngestWork {
        private final String operation;
        private final long totalSteps;

        NewSession(IngestService.Request request, JobKey key, String operation, long totalSteps) {
            super(request, key);
            this.operation = operation;
            this.totalSteps = totalSteps;
        }

        @Override
        public Optional<JobState> newJob(Instant now) {
            return Optional.of(JobState.create(key().project(), key().id(), operation, operation, totalSteps, List.of(),
                    Map.of(SessionView.LABEL_KEY, SessionView.LABEL_VALUE), IngestService.DEFAULT_HEARTBEAT_SECONDS,
                    now, limits));
        }

        @Override
        public int maxTimelineEvents() {
            return 1;
        }

        @Override
        public IngestAnswer apply(JobInGroup job, Instant now) {
            if (job.takeCreation()) {
                job.record(Event.builder(EventType.JOB_CREATED).build());
            }
            return new IngestAnswer(201, json.of(Map.of("sessionId", key().id())),
                    "/api/progress/status/" + key().id());
        }
    }

    /** Events a session's state calls for; a job that is not a session is not found. */
    private final class Report extends IngestWork {
        private final Function<JobSnapshot, List<Event>> events;

        Report(IngestService.Request request, JobKey key, Function<JobSnapshot, List<Event>> events) {
            super(request, key);
            this.events = events;
        }

        @Override
        public Optional<JobState> newJob(Instant now) {
            return Optional.empty();
        }

        @Override
        public RuntimeException notFound() {
            return ProblemException.notFound("no session '" + key().id() + "'");
        }

        /** The completion's two (the steps filled, then the end); one for the others. */
        @Override
        public int maxTimelineEvents() {
            return 2;
        }

        @Override
        public IngestAnswer apply(JobInGroup job, Instant now) {
            JobSnapshot session = job.state().snapshot();
            if (!SessionView.LABEL_VALUE.equals(session.labels().get(SessionView.LABEL_KEY))) {
                throw notFound();
            }
            return ingest.answer(ingest.applyEvents(job, AdapterEvents.validated(events.apply(session), PAYLOAD_FIELDS,
                    limits, now), now));
        }
    }
}
