package dev.progresshub.domain;

import org.junit.jupiter.api.Test;

import static dev.progresshub.domain.JobFixture.HEARTBEAT_SECONDS;
import static dev.progresshub.domain.JobFixture.T0;
import static dev.progresshub.domain.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scheduler's stall check, expiry of unconfirmed cancels, and how any report revives a stalled job. */
class StallTest {

    private static JobFixture silentRunningJob() {
        JobFixture f = JobFixture.job();
        f.apply(EventType.JOB_START);
        f.advance(HEARTBEAT_SECONDS + 1);
        return f;
    }

    @Test
    void aRunningJobSilentLongerThanItsHeartbeatStalls() {
        JobFixture f = silentRunningJob();

        assertTrue(f.job.markStalledIfSilent(f.now));
        JobSnapshot snapshot = f.snapshot();
        assertEquals("stalled", snapshot.status());
        assertEquals(3, snapshot.version());
        assertEquals(f.now, snapshot.updatedAt());
        assertEquals(T0, snapshot.heartbeatAt(), "the last sign of life stays visible");
    }

    @Test
    void exactlyAtTheTimeoutTheJobIsNotYetStalled() {
        JobFixture f = JobFixture.job();
        f.apply(EventType.JOB_START);
        f.advance(HEARTBEAT_SECONDS);

        assertFalse(f.job.markStalledIfSilent(f.now));
        assertEquals("running", f.status());
        assertEquals(2, f.snapshot().version());
    }

    @Test
    void everyReportRestartsTheSilenceClock() {
        JobFixture f = JobFixture.job();
        f.apply(EventType.JOB_START);
        f.advance(50).apply(EventType.HEARTBEAT);
        f.advance(50);

        assertFalse(f.job.markStalledIfSilent(f.now));
        assertEquals("running", f.status());
    }

    @Test
    void pendingAndPausedJobsNeverStall() {
        // The pending job never reported: its silence is measured from createdAt.
        JobFixture pending = JobFixture.job().advance(10 * HEARTBEAT_SECONDS);
        assertFalse(pending.job.markStalledIfSilent(pending.now));
        assertEquals("pending", pending.status());

        JobFixture paused = JobFixture.job();
        paused.apply(EventType.JOB_PAUSE);
        paused.advance(10 * HEARTBEAT_SECONDS);
        assertFalse(paused.job.markStalledIfSilent(paused.now));
        assertEquals("paused", paused.status());
    }

    @Test
    void aStalledJobIsNotStalledAgain() {
        JobFixture f = silentRunningJob();
        f.job.markStalledIfSilent(f.now);
        f.advance(HEARTBEAT_SECONDS + 1);

        assertFalse(f.job.markStalledIfSilent(f.now));
        assertEquals(3, f.snapshot().version());
    }

    @Test
    void terminalJobsAreLeftAlone() {
        JobFixture f = JobFixture.job();
        f.apply(EventType.JOB_COMPLETE);
        f.advance(10 * HEARTBEAT_SECONDS);

        assertFalse(f.job.markStalledIfSilent(f.now));
        assertEquals("completed", f.status());
    }

    @Test
    void anUnconfirmedCancelExpiresIntoCancelled() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 10L));
        f.apply(event(EventType.STAGE_START).stage("download"));
        f.job.requestControl(ControlAction.CANCEL, f.now);
        f.advance(HEARTBEAT_SECONDS + 1);

        assertTrue(f.job.markStalledIfSilent(f.now));
        JobSnapshot snapshot = f.snapshot();
        assertEquals("cancelled", snapshot.status());
        assertNull(snapshot.requestedState());
        assertEquals(f.now, snapshot.finishedAt());
        assertEquals("failed", f.stage("download").status());
        assertEquals(f.now, f.stage("download").finishedAt());
    }

    @Test
    void anUnconfirmedCancelOfAPausedJobExpiresToo() {
        JobFixture f = JobFixture.job();
        f.apply(EventType.JOB_PAUSE);
        f.job.requestControl(ControlAction.CANCEL, f.now);
        f.advance(HEARTBEAT_SECONDS + 1);

        assertTrue(f.job.markStalledIfSilent(f.now));
        assertEquals("cancelled", f.status());
    }

    @Test
    void aHeartbeatRevivesAStalledJobAndIsAnUpdate() {
        JobFixture f = silentRunningJob();
        f.job.markStalledIfSilent(f.now);
        f.advance(5).apply(EventType.HEARTBEAT);

        JobSnapshot snapshot = f.snapshot();
        assertEquals("running", snapshot.status());
        assertEquals(f.now, snapshot.heartbeatAt());
        assertEquals(f.now, snapshot.updatedAt());
        assertEquals(4, snapshot.version());
    }

    @Test
    void aHeartbeatOfARunningJobOnlyMovesHeartbeatAtAndVersion() {
        JobFixture f = JobFixture.job();
        f.apply(EventType.JOB_START);
        f.advance(5).apply(EventType.HEARTBEAT);

        JobSnapshot snapshot = f.snapshot();
        assertEquals(T0, snapshot.updatedAt());
        assertEquals(T0.plusSeconds(5), snapshot.heartbeatAt());
        assertEquals(3, snapshot.version());
    }

    @Test
    void aHeartbeatDoesNotStartAPendingJob() {
        JobFixture f = JobFixture.job();
        f.apply(EventType.HEARTBEAT);

        assertEquals("pending", f.status());
    }

    @Test
    void aMessageRevivesAStalledJob() {
        JobFixture f = silentRunningJob();
        f.job.markStalledIfSilent(f.now);
        f.apply(event(EventType.MESSAGE).message("still here"));

        assertEquals("running", f.status());
    }

    @Test
    void workRevivesAStalledJob() {
        JobFixture f = silentRunningJob();
        f.job.markStalledIfSilent(f.now);
        f.apply(event(EventType.ITEM_COMPLETE).item("a"));

        assertEquals("running", f.status());
        assertEquals(T0, f.snapshot().startedAt(), "startedAt stays the first start");
    }
}
