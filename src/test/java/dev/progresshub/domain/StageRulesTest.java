package dev.progresshub.domain;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.progresshub.domain.JobFixture.T0;
import static dev.progresshub.domain.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Stage lifecycle and counters: stage_start, item events on stages, stage_progress, stage_complete/fail. */
class StageRulesTest {

    @Test
    void stageStartAppendsAnUnknownStageRunningWithItsTotal() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", null));
        f.advance(2).apply(event(EventType.STAGE_START).stage("transcode").total(40L));

        assertEquals(List.of("download", "transcode"), stageNames(f));
        JobSnapshot.StageView stage = f.stage("transcode");
        assertEquals("running", stage.status());
        assertEquals(40L, stage.total());
        assertEquals(T0.plusSeconds(2), stage.startedAt());
        assertEquals("pending", f.stage("download").status());
    }

    @Test
    void stageStartKeepsADeclaredTotalWhenAbsentAndSetsStartedAtOnce() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 100L));
        f.advance(1).apply(event(EventType.STAGE_START).stage("download"));
        f.advance(1).apply(event(EventType.STAGE_START).stage("download"));

        assertEquals(100L, f.stage("download").total());
        assertEquals(T0.plusSeconds(1), f.stage("download").startedAt());
    }

    @Test
    void stageNamesAreTrimmedSoPaddingDoesNotSplitAStage() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 10L));
        f.apply(event(EventType.ITEM_COMPLETE).stage(" download ").item("a"));

        assertEquals(List.of("download"), stageNames(f));
        assertEquals(1, f.stage("download").completed());
    }

    @Test
    void itemCompleteCountsOnItsStageAndStartsAPendingStage() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 100L));
        f.advance(3).apply(event(EventType.ITEM_COMPLETE).stage("download").item("a.wav"));
        f.apply(event(EventType.fromIngest("file_complete")).stage("download").item("b.wav"));

        JobSnapshot.StageView stage = f.stage("download");
        assertEquals("running", stage.status());
        assertEquals(T0.plusSeconds(3), stage.startedAt());
        assertEquals(2, stage.completed());
        assertEquals(0, f.progress().current(), "stage items do not count on the job's own counter");
    }

    @Test
    void itemEventsForAnUnknownStageCreateItRunning() {
        JobFixture f = JobFixture.job();
        f.apply(event(EventType.ITEM_FAIL).stage("parse").item("x.json").error("bad json"));

        JobSnapshot.StageView stage = f.stage("parse");
        assertEquals("running", stage.status());
        assertEquals(1, stage.failed());
        assertEquals(1, f.progress().failed(), "a failed item is also a failure of the job");
    }

    @Test
    void itemFailOnAStageCountsThereAndInTheErrorLedger() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 10L));
        f.apply(event(EventType.fromIngest("file_fail")).stage("download").item("audio096.wav").error("timed out")
                .errorClass("timeout"));

        assertEquals(1, f.stage("download").failed());
        JobSnapshot.ErrorsView errors = f.snapshot().errors();
        assertEquals(1, errors.count());
        assertEquals(1L, errors.byClass().get("timeout"));
        assertEquals("audio096.wav", errors.recent().get(0).item());
    }

    @Test
    void stageProgressCountsNeverMoveBack() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 100L));
        f.apply(event(EventType.STAGE_PROGRESS).stage("download").completed(25L).failed(1L));
        f.apply(event(EventType.STAGE_PROGRESS).stage("download").completed(20L).failed(0L));

        JobSnapshot.StageView stage = f.stage("download");
        assertEquals(25, stage.completed());
        assertEquals(1, stage.failed());
        assertEquals(26.0, stage.percent());
        assertEquals("running", stage.status());
    }

    @Test
    void stageProgressWithoutFailedKeepsTheFailedCount() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 100L));
        f.apply(event(EventType.STAGE_PROGRESS).stage("download").completed(5L).failed(2L));
        f.apply(event(EventType.STAGE_PROGRESS).stage("download").completed(6L));

        assertEquals(2, f.stage("download").failed());
        assertEquals(6, f.stage("download").completed());
    }

    @Test
    void stageProgressReplacesTotalAndBatchInfoWhenPresent() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 100L));
        f.apply(event(EventType.STAGE_PROGRESS).stage("download").completed(10L).total(120L).batchInfo("batch 2 of 12"));
        f.apply(event(EventType.STAGE_PROGRESS).stage("download").completed(11L));

        assertEquals(120L, f.stage("download").total());
        assertEquals("batch 2 of 12", f.stage("download").batchInfo());
    }

    @Test
    void batchInfoIsDerivedFromTheCountsWhenNoneWasReported() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 100L), new StageSpec("parse", null));
        f.apply(event(EventType.STAGE_PROGRESS).stage("download").completed(25L).failed(1L));

        assertEquals("26/100 total (74 remaining)", f.stage("download").batchInfo(), "failed items are handled");
        assertNull(f.stage("parse").batchInfo(), "no total, nothing to derive");
    }

    @Test
    void derivedBatchInfoNeverShowsNegativeRemaining() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 10L));
        f.apply(event(EventType.STAGE_PROGRESS).stage("download").completed(12L));

        assertEquals("12/10 total (0 remaining)", f.stage("download").batchInfo());
        assertEquals(100.0, f.stage("download").percent());
    }

    @Test
    void stagePercentIsNullWithoutTotalOrWithTotalZero() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("a", null), new StageSpec("b", 0L));
        f.apply(event(EventType.ITEM_COMPLETE).stage("a").item("1"));
        f.apply(event(EventType.ITEM_COMPLETE).stage("b").item("1"));

        assertNull(f.stage("a").percent());
        assertNull(f.stage("b").percent());
    }

    @Test
    void stageCompleteClosesTheStageWithMaxedCounts() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 100L));
        f.apply(event(EventType.STAGE_PROGRESS).stage("download").completed(90L).failed(3L));
        f.advance(9).apply(event(EventType.STAGE_COMPLETE).stage("download").completed(97L).failed(1L).message("done"));

        JobSnapshot.StageView stage = f.stage("download");
        assertEquals("completed", stage.status());
        assertEquals(97, stage.completed());
        assertEquals(3, stage.failed());
        assertEquals(T0.plusSeconds(9), stage.finishedAt());
        assertNull(f.progress().message(), "a stage's message goes to the timeline only");
        assertEquals("running", f.status(), "a closed stage does not finish the job");
    }

    @Test
    void stageFailClosesTheStageFailed() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 100L));
        f.apply(event(EventType.STAGE_START).stage("download"));
        f.advance(4).apply(event(EventType.STAGE_FAIL).stage("download").failed(5L));

        JobSnapshot.StageView stage = f.stage("download");
        assertEquals("failed", stage.status());
        assertEquals(5, stage.failed());
        assertEquals(T0.plusSeconds(4), stage.finishedAt());
    }

    @Test
    void closingAnUnknownStageCreatesItClosed() {
        JobFixture f = JobFixture.job();
        f.apply(event(EventType.STAGE_COMPLETE).stage("index").completed(7L));

        JobSnapshot.StageView stage = f.stage("index");
        assertEquals("completed", stage.status());
        assertEquals(7, stage.completed());
        assertEquals(T0, stage.finishedAt());
        assertNull(stage.startedAt(), "it was never seen running");
    }

    @Test
    void itemEventsForAClosedStageStillCountButDoNotReopenIt() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 100L));
        f.apply(event(EventType.STAGE_COMPLETE).stage("download").completed(98L));
        f.apply(event(EventType.ITEM_COMPLETE).stage("download").item("late-1"));
        f.apply(event(EventType.ITEM_FAIL).stage("download").item("late-2").error("gone"));
        f.apply(event(EventType.STAGE_PROGRESS).stage("download").completed(100L));

        JobSnapshot.StageView stage = f.stage("download");
        assertEquals("completed", stage.status());
        assertEquals(100, stage.completed());
        assertEquals(1, stage.failed());
    }

    @Test
    void stageStartReopensAClosedStageForARetry() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 100L));
        f.apply(event(EventType.STAGE_START).stage("download"));
        f.advance(5).apply(event(EventType.STAGE_FAIL).stage("download"));
        f.advance(5).apply(event(EventType.STAGE_START).stage("download"));

        JobSnapshot.StageView stage = f.stage("download");
        assertEquals("running", stage.status());
        assertNull(stage.finishedAt());
        assertEquals(T0, stage.startedAt(), "startedAt is the first start");
    }

    private static List<String> stageNames(JobFixture f) {
        return f.snapshot().stages().stream().map(JobSnapshot.StageView::name).toList();
    }
}
