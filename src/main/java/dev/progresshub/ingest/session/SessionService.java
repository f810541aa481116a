package dev.progresshub.ingest.session;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;


import dev.progresshub.config.JsonText;
import dev.progresshub.domain.DomainLimits;
import dev.progresshub.domain.Event;
import dev.progresshub.domain.EventType;
import dev.progresshub.domain.JobSnapshot;
import dev.progresshub.errors.ProblemException;
import dev.progresshub.ingest.AdapterEvents;
import dev.progresshub.ingest.CreateJobRequest;
import dev.progresshub.ingest.IngestAnswer;
import dev.progresshub.ingest.IngestService;
import dev.progresshub.jobs.JobKey;
import dev.progresshub.jobs.JobStore;

/**
 * Seed-001 progress sessions as jobs: a session is a job labelled {@code source=session} whose total is
 * the session's steps; updates, completion and errors are the job's events. Each call is one transaction.
 */
@ApplicationScoped
public class SessionService {

    static final long DEFAULT_TOTAL_STEPS = 100;
    private static final Map<String, String> PAYLOAD_FIELDS = Map.of("current", "step", "phase", "message");

    private final IngestService ingest;
    private final JobStore store;
    private final JsonText json;
    private final DomainLimits limits;
    private final Clock clock;

    SessionService(IngestService ingest, JobStore store, JsonText json, DomainLimits limits, Clock clock) {
        this.ingest = ingest;
        this.store = store;
        this.json = json;
        this.limits = limits;
        this.clock = clock;
    }

    /** The new session's id, {@code {"sessionId": …}}, 201 with its status URL. */
    @Transactional
    public IngestAnswer create(IngestService.Request request, String project, SessionRequests.Create body) {
        String operation = body.operation() == null || body.operation().isBlank() ? "operation" : body.operation();
        long totalSteps = body.totalSteps() == null ? DEFAULT_TOTAL_STEPS : body.totalSteps();
        if (totalSteps < 1) {
            throw ProblemException.invalid("totalSteps", "at least 1");
        }
        return ingest.idempotent(request, () -> {
            String id = UUID.randomUUID().toString();
            ingest.createJob(new IngestService.Request(request.caller(), null, null), project,
                    new CreateJobRequest(id, operation, operation, totalSteps, null,
                            Map.of(SessionView.LABEL_KEY, SessionView.LABEL_VALUE), null));
            return new IngestAnswer(201, json.of(Map.of("sessionId", id)), "/api/progress/status/" + id);
        });
    }

    @Transactional
    public IngestAnswer update(IngestService.Request request, JobKey key, SessionRequests.Update body) {
        return report(request, key, session -> List.of(Event.builder(EventType.JOB_PROGRESS)
                .current(body.step()).message(body.message()).phase(body.message()).details(details(body))
                .build()));
    }

    /** Completion fills the session's steps, so its bar ends at 100% everywhere, then completes the job. */
    @Transactional
    public IngestAnswer complete(IngestService.Request request, JobKey key, SessionRequests.End body) {
        return report(request, key, session -> {
            List<Event> events = new ArrayList<>();
            if (session.progress().total() != null) {
                events.add(Event.builder(EventType.JOB_PROGRESS).current(session.progress().total()).build());
            }
            events.add(Event.builder(EventType.JOB_COMPLETE).message(body.message()).build());
            return events;
        });
    }

    @Transactional
    public IngestAnswer error(IngestService.Request request, JobKey key, SessionRequests.End body) {
        String error = body.message() == null || body.message().isBlank() ? "error" : body.message();
        return report(request, key, session -> List.of(Event.builder(EventType.JOB_FAIL).error(error)
                .message(error).build()));
    }

    /** Applies the events a session's state calls for; a job that is not a session is not found. */
    private IngestAnswer report(IngestService.Request request, JobKey key,
            Function<JobSnapshot, List<Event>> events) {
        return ingest.idempotent(request, () -> {
            JobSnapshot session = store.lock(key).map(job -> job.state().snapshot())
                    .filter(job -> SessionView.LABEL_VALUE.equals(job.labels().get(SessionView.LABEL_KEY)))
                    .orElseThrow(() -> ProblemException.notFound("no session '" + key.id() + "'"));
            return new IngestAnswer(200, json.of(ingest.apply(key, AdapterEvents.validated(events.apply(session),
                    PAYLOAD_FIELDS, limits, clock.instant()))), null);
        });
    }

    private String details(SessionRequests.Update body) {
        if (body.details() == null || body.details().isNull()) {
            return null;
        }
        return body.details().isTextual() ? body.details().asText() : json.of(body.details());
    }
}
