package dev.progresshub.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The aggregate: everything known about one job, changed only by {@link #apply}, {@link #requestControl} and
 * {@link #markStalledIfSilent}. Persisted as JSON through Jackson with field visibility, hence private
 * non-final fields of JDK or package types, a private no-arg constructor, and no get/is/set-named methods.
 */
public final class JobState {
    private String project;
    private String id;
    private String name;
    private String operation;
    private JobStatus status;
    private RequestedState requestedState;
    private ProgressState progress = new ProgressState();
    private List<StageState> stages = new ArrayList<>();
    private Map<String, Long> itemsByType = new LinkedHashMap<>();
    private ErrorLedger errors = new ErrorLedger();
    private String lastProcessedId;
    private Map<String, Object> resumeState = new LinkedHashMap<>();
    private Map<String, String> labels = new LinkedHashMap<>();
    /** Stages were named at creation: a stage reported under another name is probably a typo. */
    private boolean stagesDeclared;
    private long heartbeatSeconds;
    private Instant createdAt;
    private Instant startedAt;
    private Instant updatedAt;
    private Instant finishedAt;
    private Instant heartbeatAt;
    private long lastEventId;
    private long version;
    private RateWindow rate = new RateWindow();
    private WorkerSequences workerSequences = new WorkerSequences();

    private JobState() {
    }

    /**
     * A PENDING job at version 1. Every path that creates a job comes here, so one rule set applies: a bad
     * name, number, label or stage throws InvalidEventException (fields as sent).
     */
    public static JobState create(String project, String id, String name, String operation, Long total,
                                  List<StageSpec> stages, Map<String, String> labels, long heartbeatSeconds,
                                  Instant now, DomainLimits limits) {
        List<StageSpec> stageSpecs = stages == null ? List.of() : stages;
        Map<String, String> labelMap = labels == null ? Map.of() : labels;
        checkNew(name, operation, total, stageSpecs, labelMap, heartbeatSeconds, limits);
        JobState job = new JobState();
        job.project = Objects.requireNonNull(project, "project");
        job.id = Objects.requireNonNull(id, "id");
        job.name = name.strip();
        job.operation = operation == null ? null : operation.strip();
        job.status = JobStatus.PENDING;
        job.progress.total = total;
        stageSpecs.forEach(spec -> job.stages.add(new StageState(spec.name().trim(), StageStatus.PENDING, spec.total())));
        job.stagesDeclared = !stageSpecs.isEmpty();
        job.labels.putAll(labelMap);
        job.heartbeatSeconds = heartbeatSeconds;
        job.createdAt = Objects.requireNonNull(now, "now");
        job.updatedAt = now;
        job.version = 1;
        return job;
    }

    /** The rules of {@link #create}, for checking a request before deciding whether it creates a job. */
    public static void checkNew(String name, String operation, Long total, List<StageSpec> stages,
                                Map<String, String> labels, long heartbeatSeconds, DomainLimits limits) {
        NewJobValidator.validate(name, operation, total, stages == null ? List.of() : stages,
                labels == null ? Map.of() : labels, heartbeatSeconds, limits);
    }

    /**
     * Applies one ingested event. Order: service-only types are refused (a service bug), the event is
     * validated (so nothing, not even the seq ledger, sees a malformed event), a seen worker+seq is a
     * DUPLICATE, and only then a terminal job or a bound of the job's size refuses - so a retried terminal
     * event is a DUPLICATE, not a 409. Every refusal comes before the first change. What looks like a mistake
     * but is applied anyway goes to {@code warnings}.
     */
    public Applied apply(Event e, Instant now, DomainLimits limits, Consumer<Warning> warnings) {
        if (!e.type().acceptedFromIngest()) {
            throw new IllegalArgumentException(e.type().wire() + " is written by the service, never applied");
        }
        e.validate(limits, now);
        e.warnings().forEach(warnings);
        if (workerSequences.alreadySeen(e.worker(), e.seq())) {
            return Applied.DUPLICATE;
        }
        if (status.isTerminal()) {
            throw new TerminalJobException(id, status);
        }
        checkSizeBounds(e, limits);
        // Late: older than what this worker already reported. Its counts still count; it replaces nothing.
        boolean late = workerSequences.isLate(e.worker(), e.seq());
        workerSequences.record(e.worker(), e.seq(), limits.workersPerJob());
        version++;
        heartbeatAt = now;
        if (e.type() == EventType.HEARTBEAT) {
            heartbeat(now);
        } else {
            updatedAt = now;
            wakeUp(e.type(), now);
            warnIfUndeclaredStage(e, warnings);
            change(e, late, now, limits);
            stages.forEach(StageState::settleIfCompleted);
            warnIfCurrentAboveTotal(e, warnings);
            sampleRates(now);
        }
        return Applied.APPLIED;
    }

    /**
     * Records an operator's request; the worker sees it in its next ingest response. A pending cancel wins:
     * a later pause or resume is recorded in the timeline but does not replace it.
     */
    public Event requestControl(ControlAction a, Instant now) {
        if (status.isTerminal()) {
            throw new TerminalJobException(id, status);
        }
        EventType recorded = switch (a) {
            case PAUSE -> requestPause();
            case RESUME -> requestResume();
            case CANCEL -> requestCancel(now);
        };
        version++;
        updatedAt = now;
        return Event.builder(recorded).at(now).build();
    }

    /**
     * The scheduler's check: silent longer than heartbeatSeconds, a RUNNING job is STALLED and an unconfirmed
     * cancel expires into CANCELLED. A PENDING or PAUSED job is not stalled: nobody is expected to report.
     */
    public boolean markStalledIfSilent(Instant now) {
        Instant lastSign = heartbeatAt != null ? heartbeatAt : createdAt;
        if (status.isTerminal() || !lastSign.plusSeconds(heartbeatSeconds).isBefore(now)) {
            return false;
        }
        if (requestedState == RequestedState.CANCELLED) {
            finish(JobStatus.CANCELLED, StageStatus.FAILED, now);
        } else if (status == JobStatus.RUNNING) {
            status = JobStatus.STALLED;
        } else {
            return false;
        }
        version++;
        updatedAt = now;
        return true;
    }

    /** The service stored a timeline event under this id. */
    public void recordStored(long eventId) {
        lastEventId = Math.max(lastEventId, eventId);
    }

    public JobSnapshot snapshot() {
        Throughput throughput = throughput();
        JobSnapshot.Progress progressView = new JobSnapshot.Progress(progress.current, progress.total,
                progress.failed, Snapshots.percent(throughput.handled(), throughput.total()), progress.phase,
                progress.message, progress.details, progress.currentItem);
        boolean expectsProgress = status == JobStatus.RUNNING || status == JobStatus.PENDING;
        return new JobSnapshot(id, project, name, operation, status.wire(),
                requestedState == null ? null : requestedState.wire(), progressView,
                stages.stream().map(stage -> stage.view(rateAsOf(), expectsProgress)).toList(),
                Snapshots.copy(itemsByType), errors.view(), lastProcessedId, Snapshots.copy(resumeState),
                Snapshots.copy(labels), rate.ratePerSecond(rateAsOf()), etaSeconds(throughput), createdAt,
                startedAt, updatedAt, finishedAt, heartbeatAt, lastEventId, version);
    }

    /**
     * Rates are measured up to the last sign of life, so a job that keeps reporting without progress sees
     * its rate fall instead of showing a stale ETA; a finished job keeps the rate it ran at.
     */
    private Instant rateAsOf() {
        return status.isTerminal() ? null : heartbeatAt;
    }

    public String project() { return project; }
    public String id() { return id; }
    public String name() { return name; }
    public String operation() { return operation; }
    public JobStatus status() { return status; }
    public RequestedState requestedState() { return requestedState; }
    public long version() { return version; }
    public long lastEventId() { return lastEventId; }
    public Instant createdAt() { return createdAt; }
    public Instant updatedAt() { return updatedAt; }
    public Instant heartbeatAt() { return heartbeatAt; }
    public Instant finishedAt() { return finishedAt; }
    public Map<String, String> labels() { return Snapshots.copy(labels); }
    public long heartbeatSeconds() { return heartbeatSeconds; }

    // --- apply ---------------------------------------------------------------------------------------------

    /** A new stage or item type past the job's bound is refused (400) before anything changes. */
    private void checkSizeBounds(Event e, DomainLimits limits) {
        if (e.stage() != null && findStage(e.stage()) == null && stages.size() >= limits.stagesPerJob()) {
            throw new InvalidEventException("stage", "is new, but a job has " + DomainLimits.atMost(
                    limits.stagesPerJob(), "stages", "stages-per-job"));
        }
        if (e.type() == EventType.ITEMS_DISCOVERED) {
            long newTypes = e.itemsByType().keySet().stream().filter(type -> !itemsByType.containsKey(type)).count();
            if (itemsByType.size() + newTypes > limits.itemTypesPerJob()) {
                throw new InvalidEventException("itemsByType", "adds " + newTypes + " item types to the job's "
                        + itemsByType.size() + ", but a job has " + DomainLimits.atMost(limits.itemTypesPerJob(),
                        "item types", "item-types-per-job"));
            }
        }
    }

    private void warnIfUndeclaredStage(Event e, Consumer<Warning> warnings) {
        if (stagesDeclared && e.stage() != null && findStage(e.stage()) == null) {
            List<String> declared = stages.stream().map(stage -> stage.name).toList();
            warnings.accept(new Warning("stage", "stage '" + e.stage() + "' was not declared when the job was "
                    + "created; created it" + Closest.hint(e.stage(), declared)));
        }
    }

    private void warnIfCurrentAboveTotal(Event e, Consumer<Warning> warnings) {
        boolean reportsProgress = e.type() == EventType.JOB_PROGRESS || e.type() == EventType.JOB_START;
        if (reportsProgress && (e.current() != null || e.total() != null) && progress.total != null
                && progress.current > progress.total) {
            warnings.accept(new Warning(e.current() != null ? "current" : "total", "current " + progress.current
                    + " is above total " + progress.total + "; the percent stays at 100"));
        }
    }

    /** Any report proves a STALLED worker alive; only work starts a PENDING job. */
    private void wakeUp(EventType type, Instant now) {
        if (status == JobStatus.STALLED || (status == JobStatus.PENDING && type.isWork())) {
            run(now);
        }
    }

    /** A heartbeat changes the snapshot only by reviving a STALLED job; that is an update too. */
    private void heartbeat(Instant now) {
        if (status == JobStatus.STALLED) {
            run(now);
            updatedAt = now;
        }
    }

    private void change(Event e, boolean late, Instant now, DomainLimits limits) {
        switch (e.type()) {
            case JOB_START -> startJob(e, late, now);
            case JOB_PROGRESS -> reportProgress(e, late);
            case JOB_COMPLETE -> completeJob(e, late, now);
            case JOB_FAIL -> failJob(e, late, now, limits);
            case JOB_PAUSE -> confirmPause(e, late);
            case JOB_RESUME -> confirmResume(e, late, now);
            case JOB_CANCEL -> cancelJob(e, late, now);
            case STAGE_START -> startStage(e, late, now);
            case ITEM_COMPLETE -> completeItem(e, now);
            case ITEM_FAIL -> failItem(e, now, limits);
            case STAGE_PROGRESS -> reportStageProgress(e, late, now);
            case STAGE_COMPLETE -> closeStage(e, StageStatus.COMPLETED, now);
            case STAGE_FAIL -> closeStage(e, StageStatus.FAILED, now);
            case ITEMS_DISCOVERED -> e.itemsByType().forEach((type, delta) -> itemsByType.merge(type, delta, Long::sum));
            case CHECKPOINT -> checkpoint(e, late);
            // message: timeline only. heartbeat and the service's own types never get here.
            default -> { }
        }
    }

    /** A (non-late) job_start means the worker runs now, even after a pause (e.g. a restarted process). */
    private void startJob(Event e, boolean late, Instant now) {
        if (late) {
            return;
        }
        run(now);
        replaceIfPresent(e.total(), total -> progress.total = total);
        replaceMessage(e);
    }

    private void reportProgress(Event e, boolean late) {
        if (e.current() != null) {
            progress.current = Math.max(progress.current, e.current());
        }
        if (late) {
            return;
        }
        replaceIfPresent(e.total(), total -> progress.total = total);
        replaceIfPresent(e.phase(), phase -> progress.phase = phase);
        replaceMessage(e);
        replaceIfPresent(e.details(), details -> progress.details = details);
        replaceIfPresent(e.currentItem(), currentItem -> progress.currentItem = currentItem);
    }

    private void completeJob(Event e, boolean late, Instant now) {
        if (!late) {
            replaceMessage(e);
        }
        finish(JobStatus.COMPLETED, StageStatus.COMPLETED, now);
    }

    /** The error also lands in the ledger (class "job" unless given) and, without a message, in progress.message. */
    private void failJob(Event e, boolean late, Instant now, DomainLimits limits) {
        if (e.error() != null) {
            errors.record(Objects.requireNonNullElse(e.errorClass(), "job"), e.item(), e.error(),
                    Objects.requireNonNullElse(e.at(), now), limits.errorClassesPerJob());
        }
        if (!late) {
            replaceIfPresent(e.message() != null ? e.message() : e.error(), text -> progress.message = text);
        }
        finish(JobStatus.FAILED, StageStatus.FAILED, now);
    }

    /** Open stages of a cancelled job are marked FAILED (with finishedAt): they will never complete. */
    private void cancelJob(Event e, boolean late, Instant now) {
        if (!late) {
            replaceMessage(e);
        }
        finish(JobStatus.CANCELLED, StageStatus.FAILED, now);
    }

    /** A late pause or resume confirmation is ignored: it would undo the newer state the worker reported. */
    private void confirmPause(Event e, boolean late) {
        if (late) {
            return;
        }
        status = JobStatus.PAUSED;
        clearRequest(RequestedState.PAUSED);
        replaceMessage(e);
    }

    private void confirmResume(Event e, boolean late, Instant now) {
        if (late) {
            return;
        }
        run(now);
        clearRequest(RequestedState.PAUSED);
        replaceMessage(e);
    }

    /** stage_start reopens a closed stage (the worker retries it), unless the event is late. */
    private void startStage(Event e, boolean late, Instant now) {
        StageState stage = stageNamed(e.stage());
        if (late) {
            stage.startIfPending(now);
            return;
        }
        stage.start(now);
        replaceIfPresent(e.total(), total -> stage.total = total);
    }

    private void completeItem(Event e, Instant now) {
        if (e.stage() == null) {
            progress.current++;
        } else {
            workingStage(e.stage(), now).completed++;
        }
    }

    /**
     * A failed item counts on its stage and always on the job's {@code progress.failed}: a failure is a fact
     * about the job, as in its error ledger, and no worker reports a failed total at job level that it could
     * double. Completed items stay on their stage: {@code current} is also set directly by job_progress, so
     * adding stage items to it would count them twice.
     */
    private void failItem(Event e, Instant now, DomainLimits limits) {
        progress.failed++;
        if (e.stage() != null) {
            workingStage(e.stage(), now).failed++;
        }
        errors.record(Objects.requireNonNullElse(e.errorClass(), "error"), e.item(), e.error(),
                Objects.requireNonNullElse(e.at(), now), limits.errorClassesPerJob());
    }

    private void reportStageProgress(Event e, boolean late, Instant now) {
        StageState stage = workingStage(e.stage(), now);
        raiseStageCounts(stage, e);
        if (!late) {
            replaceIfPresent(e.total(), total -> stage.total = total);
            replaceIfPresent(e.batchInfo(), batchInfo -> stage.batchInfo = batchInfo);
        }
    }

    /** The event's message goes to the timeline only; an unknown stage is created already closed. */
    private void closeStage(Event e, StageStatus closedAs, Instant now) {
        StageState stage = stageNamed(e.stage());
        raiseStageCounts(stage, e);
        stage.close(closedAs, now);
    }

    private void checkpoint(Event e, boolean late) {
        if (late) {
            return;
        }
        lastProcessedId = e.lastProcessedId();
        replaceIfPresent(e.resumeState(), state -> resumeState = new LinkedHashMap<>(state));
    }

    // --- helpers -------------------------------------------------------------------------------------------

    private void run(Instant now) {
        status = JobStatus.RUNNING;
        if (startedAt == null) {
            startedAt = now;
        }
    }

    /** Terminal: a finished job has no pending request, and its open stages are closed as given. */
    private void finish(JobStatus finalStatus, StageStatus openStagesBecome, Instant now) {
        status = finalStatus;
        finishedAt = now;
        requestedState = null;
        stages.stream().filter(stage -> stage.status.isOpen()).forEach(stage -> stage.close(openStagesBecome, now));
    }

    private void clearRequest(RequestedState confirmed) {
        if (requestedState == confirmed) {
            requestedState = null;
        }
    }

    private void replaceMessage(Event e) {
        replaceIfPresent(e.message(), message -> progress.message = message);
    }

    private static <T> void replaceIfPresent(T value, Consumer<T> replace) {
        if (value != null) {
            replace.accept(value);
        }
    }

    /** The named stage, appended PENDING when unknown. */
    private StageState stageNamed(String stageName) {
        StageState stage = findStage(stageName);
        if (stage == null) {
            stage = new StageState(stageName, StageStatus.PENDING, null);
            stages.add(stage);
        }
        return stage;
    }

    private StageState findStage(String stageName) {
        for (StageState stage : stages) {
            if (stage.name.equals(stageName)) {
                return stage;
            }
        }
        return null;
    }

    /** The stage that work was reported for: started if it was PENDING (or unknown), closed ones stay closed. */
    private StageState workingStage(String stageName, Instant now) {
        StageState stage = stageNamed(stageName);
        stage.startIfPending(now);
        return stage;
    }

    private static void raiseStageCounts(StageState stage, Event e) {
        if (e.completed() != null) {
            stage.completed = Math.max(stage.completed, e.completed());
        }
        if (e.failed() != null) {
            stage.failed = Math.max(stage.failed, e.failed());
        }
    }

    private void sampleRates(Instant now) {
        rate.sampleIfChanged(now, throughput().handled());
        stages.forEach(stage -> stage.rate.sampleIfChanged(now, stage.handled()));
    }

    // --- control -------------------------------------------------------------------------------------------

    private EventType requestPause() {
        if (requestedState != RequestedState.CANCELLED) {
            requestedState = RequestedState.PAUSED;
        }
        return EventType.PAUSE_REQUESTED;
    }

    /** A PAUSED job stays PAUSED until the worker confirms with job_resume; it now sees no request. */
    private EventType requestResume() {
        clearRequest(RequestedState.PAUSED);
        return EventType.RESUME_REQUESTED;
    }

    /** Nobody ever reported for a PENDING job, so nobody could confirm: it is cancelled at once. */
    private EventType requestCancel(Instant now) {
        requestedState = RequestedState.CANCELLED;
        if (status == JobStatus.PENDING) {
            finish(JobStatus.CANCELLED, StageStatus.FAILED, now);
        }
        return EventType.CANCEL_REQUESTED;
    }

    // --- computed values -----------------------------------------------------------------------------------

    /**
     * What the job's percent, rate and ETA count: its own counters when it has a total; else the summed stages
     * when it has stages and every one has a total; else no total (percent null: a part of the work is of
     * unknown size, so any percent would be invented), counting whichever of the two handled more.
     */
    private Throughput throughput() {
        long stagesHandled = stages.stream().mapToLong(StageState::handled).sum();
        if (progress.total != null && progress.total > 0) {
            return new Throughput(progress.handled(), progress.total);
        }
        if (!stages.isEmpty() && stages.stream().allMatch(stage -> stage.total != null)) {
            return new Throughput(stagesHandled, stages.stream().mapToLong(stage -> stage.total).sum());
        }
        return new Throughput(Math.max(progress.handled(), stagesHandled), null);
    }

    /** Only a job that is expected to move has an ETA: none when paused, stalled or finished. */
    private Long etaSeconds(Throughput throughput) {
        return switch (status) {
            case RUNNING, PENDING -> Snapshots.eta(throughput.handled(), throughput.total(),
                    rate.exactRate(rateAsOf()));
            default -> null;
        };
    }

    private record Throughput(long handled, Long total) {
    }
}
