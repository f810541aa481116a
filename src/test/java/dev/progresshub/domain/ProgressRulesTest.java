package dev.progresshub.domain;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.progresshub.domain.JobFixture.T0;
import static dev.progresshub.domain.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Job-level counters and texts: creation, job_start, job_progress, items without a stage, discoveries, checkpoints. */
class ProgressRulesTest {

    @Test
    void aNewJobIsPendingAtVersionOneWithDeclaredStagesPending() {
        JobState job = JobState.create("default", "j1", "Scrape", "scrape", 150L,
                List.of(new StageSpec("download", 100L), new StageSpec("parse", null)), Map.of("team", "data"), 30, T0,
                DomainLimits.DEFAULTS);

        JobSnapshot snapshot = job.snapshot();
        assertEquals("pending", snapshot.status());
        assertEquals(1, snapshot.version());
        assertEquals(150L, snapshot.progress().total());
        assertEquals(0.0, snapshot.progress().percent());
        assertEquals(List.of("download", "parse"), snapshot.stages().stream().map(JobSnapshot.StageView::name).toList());
        assertEquals(List.of("pending", "pending"), snapshot.stages().stream().map(JobSnapshot.StageView::status).toList());
        assertEquals(Map.of("team", "data"), snapshot.labels());
        assertEquals(Map.of(), snapshot.resumeState());
        assertEquals(Map.of(), snapshot.itemsByType());
        assertEquals(T0, snapshot.createdAt());
        assertEquals(T0, snapshot.updatedAt());
        assertNull(snapshot.startedAt());
        assertNull(snapshot.heartbeatAt());
        assertNull(snapshot.requestedState());
        assertEquals(30, job.heartbeatSeconds());
    }

    @Test
    void jobStartRunsTheJobAndSetsTotalAndMessage() {
        JobFixture f = JobFixture.job();
        f.advance(5).apply(event(EventType.JOB_START).total(150L).message("Starting scrape of 150 artists"));

        JobSnapshot snapshot = f.snapshot();
        assertEquals("running", snapshot.status());
        assertEquals(T0.plusSeconds(5), snapshot.startedAt());
        assertEquals(150L, snapshot.progress().total());
        assertEquals("Starting scrape of 150 artists", snapshot.progress().message());
    }

    @Test
    void startedAtIsSetOnlyTheFirstTimeTheJobRuns() {
        JobFixture f = JobFixture.job();
        f.advance(1).apply(EventType.JOB_START);
        f.advance(10).apply(EventType.JOB_PAUSE);
        f.advance(10).apply(EventType.JOB_START);

        assertEquals("running", f.status());
        assertEquals(T0.plusSeconds(1), f.snapshot().startedAt());
    }

    @Test
    void everyAppliedEventBumpsVersionUpdatedAtAndHeartbeatAt() {
        JobFixture f = JobFixture.job();
        f.advance(3).apply(EventType.JOB_START);
        f.advance(4).apply(event(EventType.JOB_PROGRESS).current(1L));

        JobSnapshot snapshot = f.snapshot();
        assertEquals(3, snapshot.version());
        assertEquals(T0.plusSeconds(7), snapshot.updatedAt());
        assertEquals(T0.plusSeconds(7), snapshot.heartbeatAt());
    }

    @Test
    void currentNeverMovesBack() {
        JobFixture f = JobFixture.jobWithTotal(150);
        f.apply(event(EventType.JOB_PROGRESS).current(45L));
        f.apply(event(EventType.JOB_PROGRESS).current(30L));

        assertEquals(45, f.progress().current());
        assertEquals(30.0, f.progress().percent());
    }

    @Test
    void progressTextsAreReplacedWhenPresentAndKeptWhenAbsent() {
        JobFixture f = JobFixture.jobWithTotal(150);
        f.apply(event(EventType.JOB_PROGRESS).current(45L).phase("Scraping artists (45/150)").message("busy")
                .details("Processing: Artist Name").currentItem("Artist Name"));
        f.apply(event(EventType.JOB_PROGRESS).current(46L).currentItem("Next Artist"));

        JobSnapshot.Progress progress = f.progress();
        assertEquals("Scraping artists (45/150)", progress.phase());
        assertEquals("busy", progress.message());
        assertEquals("Processing: Artist Name", progress.details());
        assertEquals("Next Artist", progress.currentItem());
        assertEquals(46, progress.current());
    }

    @Test
    void aGrowingOrShrinkingTotalIsAccepted() {
        JobFixture f = JobFixture.jobWithTotal(100);
        f.apply(event(EventType.JOB_PROGRESS).current(50L).total(200L));
        assertEquals(25.0, f.progress().percent());

        f.apply(event(EventType.JOB_PROGRESS).total(80L));
        assertEquals(80L, f.progress().total());
        assertEquals(62.5, f.progress().percent());
    }

    @Test
    void itemEventsWithoutStageCountOnTheJob() {
        JobFixture f = JobFixture.jobWithTotal(4);
        f.apply(event(EventType.ITEM_COMPLETE).item("a.wav"));
        f.apply(event(EventType.ITEM_COMPLETE).item("b.wav").status("ok").data(Map.of("bytes", 12)));
        f.apply(event(EventType.ITEM_FAIL).item("c.wav").error("timeout"));

        JobSnapshot.Progress progress = f.progress();
        assertEquals(2, progress.current());
        assertEquals(1, progress.failed());
        assertEquals(75.0, progress.percent(), "percent counts done and failed items");
        assertEquals("running", f.status());
    }

    @Test
    void jobPercentIsCappedAt100AndRoundedToOneDecimal() {
        JobFixture f = JobFixture.jobWithTotal(3);
        f.apply(event(EventType.JOB_PROGRESS).current(1L));
        assertEquals(33.3, f.progress().percent());

        f.apply(event(EventType.JOB_PROGRESS).current(5L));
        assertEquals(100.0, f.progress().percent());
    }

    @Test
    void jobPercentIsNullWithoutAnyTotal() {
        JobFixture f = JobFixture.job();
        f.apply(event(EventType.JOB_PROGRESS).current(7L));

        assertNull(f.progress().percent());
    }

    @Test
    void withoutAJobTotalThePercentSumsTheStages() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 100L), new StageSpec("parse", 100L));
        f.apply(event(EventType.STAGE_PROGRESS).stage("download").completed(100L));
        f.apply(event(EventType.STAGE_PROGRESS).stage("parse").completed(40L).failed(10L));

        assertEquals(75.0, f.progress().percent());
    }

    @Test
    void itemsDiscoveredAccumulatePerTypeAndKeepOtherTypes() {
        JobFixture f = JobFixture.job();
        f.apply(event(EventType.ITEMS_DISCOVERED).itemsByType(Map.of("groups", 5L, "projects", 20L)));
        f.apply(event(EventType.ITEMS_DISCOVERED).itemsByType(Map.of("projects", 3L, "issues", 125L)));

        assertEquals(Map.of("groups", 5L, "projects", 23L, "issues", 125L), f.snapshot().itemsByType());
        assertEquals("running", f.status());
    }

    @Test
    void checkpointReplacesLastProcessedIdAndResumeStateWhenPresent() {
        JobFixture f = JobFixture.job();
        f.apply(event(EventType.CHECKPOINT).lastProcessedId("issue-100").resumeState(Map.of("page", 3)));
        f.apply(event(EventType.CHECKPOINT).lastProcessedId("issue-9912"));

        assertEquals("issue-9912", f.snapshot().lastProcessedId());
        assertEquals(Map.of("page", 3), f.snapshot().resumeState());

        f.apply(event(EventType.CHECKPOINT).lastProcessedId("issue-9913").resumeState(Map.of("cursor", "abc")));
        assertEquals(Map.of("cursor", "abc"), f.snapshot().resumeState());
    }

    @Test
    void aMessageIsTimelineOnlyAndDoesNotStartAPendingJob() {
        JobFixture f = JobFixture.job();
        f.advance(2).apply(event(EventType.MESSAGE).message("warming up").level("info"));

        JobSnapshot snapshot = f.snapshot();
        assertEquals("pending", snapshot.status());
        assertNull(snapshot.progress().message());
        assertEquals(2, snapshot.version());
        assertEquals(T0.plusSeconds(2), snapshot.updatedAt());
        assertEquals(T0.plusSeconds(2), snapshot.heartbeatAt());
    }

    @Test
    void everyWorkEventStartsAPendingJob() {
        List<Event.Builder> workEvents = List.of(
                event(EventType.JOB_START), event(EventType.JOB_PROGRESS), event(EventType.STAGE_START).stage("s"),
                event(EventType.ITEM_COMPLETE).item("i"), event(EventType.ITEM_FAIL).item("i").error("e"),
                event(EventType.STAGE_PROGRESS).stage("s"), event(EventType.STAGE_COMPLETE).stage("s"),
                event(EventType.STAGE_FAIL).stage("s"), event(EventType.ITEMS_DISCOVERED).itemsByType(Map.of("a", 1L)),
                event(EventType.CHECKPOINT).lastProcessedId("x"));
        for (Event.Builder work : workEvents) {
            JobFixture f = JobFixture.job();
            f.advance(1).apply(work);
            assertEquals("running", f.status(), work.build().type().wire());
            assertEquals(T0.plusSeconds(1), f.snapshot().startedAt(), work.build().type().wire());
        }
    }

    @Test
    void recordStoredKeepsTheNewestEventId() {
        JobFixture f = JobFixture.job();
        f.job.recordStored(12);
        f.job.recordStored(7);

        assertEquals(12, f.snapshot().lastEventId());
        assertEquals(1, f.snapshot().version(), "storing an event is not a change of the job");
    }

    @Test
    void snapshotsAreCopiesThatTheAggregateDoesNotShare() {
        JobFixture f = JobFixture.job();
        f.apply(event(EventType.ITEMS_DISCOVERED).itemsByType(Map.of("issues", 1L)));
        JobSnapshot before = f.snapshot();
        f.apply(event(EventType.ITEMS_DISCOVERED).itemsByType(Map.of("issues", 1L)));

        assertEquals(Map.of("issues", 1L), before.itemsByType());
        assertThrows(UnsupportedOperationException.class, () -> before.itemsByType().put("x", 1L));
        assertThrows(UnsupportedOperationException.class, () -> f.job.labels().put("x", "y"));
        assertEquals(Map.of("issues", 2L), f.snapshot().itemsByType());
    }
}
