package dev.progresshub.domain;

import org.junit.jupiter.api.Test;

import static dev.progresshub.domain.JobFixture.T0;
import static dev.progresshub.domain.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Terminal events and worker confirmations (job_*), and operators' control requests. */
class TerminalAndControlTest {

    @Test
    void jobCompleteFinishesTheJobAndCompletesOpenStages() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 10L), new StageSpec("parse", 10L),
                new StageSpec("upload", 10L));
        f.apply(event(EventType.STAGE_START).stage("download"));
        f.apply(event(EventType.STAGE_FAIL).stage("parse"));
        f.advance(30).apply(event(EventType.JOB_COMPLETE).message("Completed scraping 150 artists"));

        JobSnapshot snapshot = f.snapshot();
        assertEquals("completed", snapshot.status());
        assertEquals(T0.plusSeconds(30), snapshot.finishedAt());
        assertEquals("Completed scraping 150 artists", snapshot.progress().message());
        assertEquals("completed", f.stage("download").status());
        assertEquals(T0.plusSeconds(30), f.stage("download").finishedAt());
        assertEquals("failed", f.stage("parse").status(), "an already closed stage keeps its outcome");
        assertEquals(T0, f.stage("parse").finishedAt());
        assertEquals("completed", f.stage("upload").status(), "pending stages are open too");
    }

    @Test
    void jobFailFailsOpenStagesAndRecordsTheError() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 10L));
        f.apply(event(EventType.STAGE_START).stage("download"));
        f.advance(7).apply(event(EventType.JOB_FAIL).error("disk full"));

        JobSnapshot snapshot = f.snapshot();
        assertEquals("failed", snapshot.status());
        assertEquals(T0.plusSeconds(7), snapshot.finishedAt());
        assertEquals("disk full", snapshot.progress().message(), "the error stands in for a missing message");
        assertEquals("failed", f.stage("download").status());
        assertEquals(1, snapshot.errors().count());
        assertEquals(1L, snapshot.errors().byClass().get("job"));
        JobSnapshot.ErrorEntry entry = snapshot.errors().recent().get(0);
        assertEquals("disk full", entry.error());
        assertEquals(T0.plusSeconds(7), entry.at());
    }

    @Test
    void jobFailKeepsItsOwnMessageAndErrorClass() {
        JobFixture f = JobFixture.job();
        f.apply(event(EventType.JOB_FAIL).message("Scrape aborted").error("HTTP 500 from API").errorClass("http_500"));

        assertEquals("Scrape aborted", f.progress().message());
        assertEquals(1L, f.snapshot().errors().byClass().get("http_500"));
    }

    @Test
    void jobFailWithoutErrorLeavesLedgerAndMessageAlone() {
        JobFixture f = JobFixture.job();
        f.apply(event(EventType.JOB_PROGRESS).message("halfway"));
        f.apply(EventType.JOB_FAIL);

        assertEquals("failed", f.status());
        assertEquals("halfway", f.progress().message());
        assertEquals(0, f.snapshot().errors().count());
    }

    @Test
    void jobCancelIsTerminalAndFailsOpenStages() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 10L));
        f.apply(event(EventType.STAGE_START).stage("download"));
        f.job.requestControl(ControlAction.CANCEL, f.now);
        f.advance(3).apply(event(EventType.JOB_CANCEL).message("stopped by operator"));

        JobSnapshot snapshot = f.snapshot();
        assertEquals("cancelled", snapshot.status());
        assertNull(snapshot.requestedState());
        assertEquals(T0.plusSeconds(3), snapshot.finishedAt());
        assertEquals("stopped by operator", snapshot.progress().message());
        assertEquals("failed", f.stage("download").status());
        assertEquals(T0.plusSeconds(3), f.stage("download").finishedAt());
    }

    @Test
    void aTerminalJobRefusesEveryFurtherEvent() {
        JobFixture f = JobFixture.job();
        f.apply(EventType.JOB_COMPLETE);

        TerminalJobException refused = assertThrows(TerminalJobException.class,
                () -> f.apply(event(EventType.JOB_PROGRESS).current(5L)));
        assertEquals("job 'artists-2026-11-23' is completed; it accepts no more events", refused.getMessage());
        assertEquals(JobStatus.COMPLETED, refused.status());
        assertThrows(TerminalJobException.class, () -> f.apply(EventType.HEARTBEAT));
        assertEquals(0, f.progress().current());
        assertEquals(2, f.snapshot().version());
    }

    @Test
    void aRetriedTerminalEventIsADuplicateNotARefusal() {
        JobFixture f = JobFixture.job();
        f.apply(event(EventType.JOB_FAIL).error("boom").worker("w1").seq(9L));

        assertEquals(Applied.DUPLICATE, f.apply(event(EventType.JOB_FAIL).error("boom").worker("w1").seq(9L)));
        assertEquals(1, f.snapshot().errors().count());
    }

    @Test
    void pauseIsRequestedThenConfirmedByTheWorker() {
        JobFixture f = JobFixture.job();
        f.apply(EventType.JOB_START);
        Event requested = f.advance(1).job.requestControl(ControlAction.PAUSE, f.now);

        assertEquals(EventType.PAUSE_REQUESTED, requested.type());
        assertEquals(f.now, requested.at());
        assertNull(requested.message());
        assertEquals("paused", f.snapshot().requestedState());
        assertEquals("running", f.status(), "only the worker can pause itself");
        assertEquals(3, f.snapshot().version());
        assertEquals(f.now, f.snapshot().updatedAt());

        f.advance(1).apply(event(EventType.JOB_PAUSE).message("paused at item 40"));
        assertEquals("paused", f.status());
        assertNull(f.snapshot().requestedState());
        assertEquals("paused at item 40", f.progress().message());
    }

    @Test
    void resumeClearsThePauseRequestButThePausedJobWaitsForTheWorker() {
        JobFixture f = JobFixture.job();
        f.apply(EventType.JOB_START);
        f.job.requestControl(ControlAction.PAUSE, f.now);
        f.apply(EventType.JOB_PAUSE);
        f.job.requestControl(ControlAction.PAUSE, f.now);

        Event requested = f.job.requestControl(ControlAction.RESUME, f.now);
        assertEquals(EventType.RESUME_REQUESTED, requested.type());
        assertNull(f.snapshot().requestedState());
        assertEquals("paused", f.status());

        f.apply(EventType.JOB_RESUME);
        assertEquals("running", f.status());
    }

    @Test
    void jobResumeClearsAPendingPauseRequest() {
        JobFixture f = JobFixture.job();
        f.apply(EventType.JOB_PAUSE);
        f.job.requestControl(ControlAction.PAUSE, f.now);
        f.apply(EventType.JOB_RESUME);

        assertEquals("running", f.status());
        assertNull(f.snapshot().requestedState());
    }

    @Test
    void cancelOfARunningJobWaitsForTheWorker() {
        JobFixture f = JobFixture.job();
        f.apply(EventType.JOB_START);
        Event requested = f.job.requestControl(ControlAction.CANCEL, f.now);

        assertEquals(EventType.CANCEL_REQUESTED, requested.type());
        assertEquals("cancelled", f.snapshot().requestedState());
        assertEquals("running", f.status());
        assertNull(f.snapshot().finishedAt());
    }

    @Test
    void cancelOfAPendingJobCancelsAtOnce() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 10L));
        f.advance(4).job.requestControl(ControlAction.CANCEL, f.now);

        JobSnapshot snapshot = f.snapshot();
        assertEquals("cancelled", snapshot.status());
        assertEquals(T0.plusSeconds(4), snapshot.finishedAt());
        assertNull(snapshot.requestedState(), "a finished job has nothing left to request");
        assertEquals("failed", f.stage("download").status());
    }

    @Test
    void aPendingCancelIsNotReplacedByPauseOrResume() {
        JobFixture f = JobFixture.job();
        f.apply(EventType.JOB_START);
        f.job.requestControl(ControlAction.CANCEL, f.now);
        f.job.requestControl(ControlAction.PAUSE, f.now);
        f.job.requestControl(ControlAction.RESUME, f.now);

        assertEquals("cancelled", f.snapshot().requestedState());
        assertEquals(5, f.snapshot().version(), "each request is still a recorded change");
    }

    @Test
    void aPauseConfirmationKeepsAPendingCancel() {
        JobFixture f = JobFixture.job();
        f.apply(EventType.JOB_START);
        f.job.requestControl(ControlAction.CANCEL, f.now);
        f.apply(EventType.JOB_PAUSE);

        assertEquals("paused", f.status());
        assertEquals("cancelled", f.snapshot().requestedState());
    }

    @Test
    void controlOfATerminalJobIsRefused() {
        JobFixture f = JobFixture.job();
        f.apply(EventType.JOB_COMPLETE);

        for (ControlAction action : ControlAction.values()) {
            assertThrows(TerminalJobException.class, () -> f.job.requestControl(action, f.now), action.name());
        }
        assertEquals(2, f.snapshot().version());
    }

    @Test
    void jobCompleteClearsARequestedState() {
        JobFixture f = JobFixture.job();
        f.apply(EventType.JOB_START);
        f.job.requestControl(ControlAction.PAUSE, f.now);
        f.apply(EventType.JOB_COMPLETE);

        assertNull(f.snapshot().requestedState());
    }
}
