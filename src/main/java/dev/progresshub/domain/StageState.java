package dev.progresshub.domain;

import java.time.Instant;

/** One stage of a job. Mutable and field-only so Jackson (field visibility) round-trips it. */
class StageState {
    String name;
    StageStatus status;
    Long total;
    long completed;
    long failed;
    /** As reported by the worker; null means the view derives one from the counts. */
    String batchInfo;
    Instant startedAt;
    Instant finishedAt;
    RateWindow rate = new RateWindow();

    StageState() {
    }

    StageState(String name, StageStatus status, Long total) {
        this.name = name;
        this.status = status;
        this.total = total;
    }

    long handled() {
        return completed + failed;
    }

    /** Opens the stage (again): a stage_start after a close means the worker retries the stage. */
    void start(Instant now) {
        status = StageStatus.RUNNING;
        finishedAt = null;
        if (startedAt == null) {
            startedAt = now;
        }
    }

    /** Work reported for a PENDING stage starts it; a closed stage stays closed (late parallel workers). */
    void startIfPending(Instant now) {
        if (status == StageStatus.PENDING) {
            start(now);
        }
    }

    void close(StageStatus closedAs, Instant now) {
        status = closedAs;
        finishedAt = now;
    }

    JobSnapshot.StageView view() {
        return new JobSnapshot.StageView(name, status.wire(), total, completed, failed,
                Snapshots.percent(handled(), total), batchInfoOrDerived(), rate.ratePerSecond(), etaSeconds(),
                startedAt, finishedAt);
    }

    /** A completed stage needs no more time; a failed one will never finish, so it has no ETA. */
    private Long etaSeconds() {
        return switch (status) {
            case COMPLETED -> 0L;
            case FAILED -> null;
            default -> Snapshots.eta(handled(), total, rate.exactRate());
        };
    }

    private String batchInfoOrDerived() {
        if (batchInfo != null || total == null) {
            return batchInfo;
        }
        return completed + "/" + total + " total (" + Math.max(0, total - completed) + " remaining)";
    }
}
