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

    /**
     * A completed stage handled all there was: its total becomes what it handled (late items raise it), so it
     * reads 100 % and "n/n total (0 remaining)" rather than a half-done bar on a finished stage.
     */
    void settleIfCompleted() {
        if (status == StageStatus.COMPLETED) {
            total = handled();
        }
    }

    /** {@code jobExpectsProgress}: the job is running or pending; otherwise no stage has an ETA. */
    JobSnapshot.StageView view(Instant rateAsOf, boolean jobExpectsProgress) {
        boolean open = status.isOpen();
        Double percent = status == StageStatus.COMPLETED ? Double.valueOf(100.0) : Snapshots.percent(handled(), total);
        Long eta = open && jobExpectsProgress ? Snapshots.eta(handled(), total, rate.exactRate(rateAsOf)) : null;
        return new JobSnapshot.StageView(name, status.wire(), total, completed, failed, percent,
                batchInfoOrDerived(), rate.ratePerSecond(open ? rateAsOf : null), eta, startedAt, finishedAt);
    }

    /** Failed items are handled too: "26/100 total (74 remaining)" with 25 completed and 1 failed. */
    private String batchInfoOrDerived() {
        if (batchInfo != null || total == null) {
            return batchInfo;
        }
        return handled() + "/" + total + " total (" + Math.max(0, total - handled()) + " remaining)";
    }
}
