package dev.progresshub.domain;

import org.junit.jupiter.api.Test;

import static dev.progresshub.domain.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** CONTRACT section 2 revision 2: numbers in one snapshot never contradict each other. */
class SnapshotRulesTest {

    @Test
    void percentCountsDoneAndFailedItemsOnTheJobAndOnEachStage() {
        JobFixture f = JobFixture.jobWithTotal(10);
        f.apply(event(EventType.JOB_PROGRESS).current(4L));
        f.apply(event(EventType.ITEM_FAIL).item("x").error("e"));
        assertEquals(50.0, f.progress().percent(), "(4 done + 1 failed) / 10");

        JobFixture staged = JobFixture.jobWithStages(new StageSpec("download", 10L));
        staged.apply(event(EventType.STAGE_PROGRESS).stage("download").completed(4L).failed(1L));
        assertEquals(50.0, staged.stage("download").percent());
    }

    @Test
    void withoutAJobTotalAndWithoutStagesThePercentIsUnknownNeverZeroOfUnknown() {
        JobFixture f = JobFixture.job();
        f.apply(EventType.JOB_START);
        assertNull(f.progress().percent(), "no '0 / ? 100 %'");
        f.apply(event(EventType.ITEM_COMPLETE).item("a"));
        assertNull(f.progress().percent());
    }

    @Test
    void withoutAJobTotalThePercentIsTheStagesCombinedOnlyWhenEveryStageHasATotal() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 10L), new StageSpec("parse", null));
        f.apply(event(EventType.STAGE_PROGRESS).stage("download").completed(10L));
        assertNull(f.progress().percent(), "parse has no total: no '0 / ? 100 %' from download alone");

        f.apply(event(EventType.STAGE_START).stage("parse").total(30L));
        f.apply(event(EventType.ITEM_FAIL).stage("parse").item("p1").error("bad"));
        assertEquals(27.5, f.progress().percent(), "(10 + 1) of (10 + 30)");
    }

    @Test
    void aDerivedBatchInfoCountsFailedItemsAsHandled() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 10L));
        for (int i = 0; i < 4; i++) {
            f.apply(event(EventType.ITEM_COMPLETE).stage("download").item("ok" + i));
        }
        f.apply(event(EventType.ITEM_FAIL).stage("download").item("bad").error("timeout"));

        assertEquals("5/10 total (5 remaining)", f.stage("download").batchInfo());
        assertEquals(50.0, f.stage("download").percent());
    }

    @Test
    void aCompletedStageReadsOneHundredPercentItsTotalBecomingWhatItHandled() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 10L));
        f.apply(event(EventType.STAGE_PROGRESS).stage("download").completed(4L).failed(1L));
        f.apply(event(EventType.STAGE_COMPLETE).stage("download"));

        JobSnapshot.StageView stage = f.stage("download");
        assertEquals(100.0, stage.percent());
        assertEquals(5L, stage.total());
        assertEquals("5/5 total (0 remaining)", stage.batchInfo());
        assertEquals(100.0, f.progress().percent(), "the job's combined percent agrees");

        f.apply(event(EventType.ITEM_COMPLETE).stage("download").item("late"));
        assertEquals(6L, f.stage("download").total(), "a late item raises the settled total");
        assertEquals(100.0, f.stage("download").percent());
    }

    @Test
    void completingTheJobSettlesItsOpenStagesToo() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 100L));
        f.apply(event(EventType.STAGE_PROGRESS).stage("download").completed(50L));
        f.apply(EventType.JOB_COMPLETE);

        assertEquals("completed", f.stage("download").status());
        assertEquals(100.0, f.stage("download").percent(), "never a completed stage at 50 %");
    }

    @Test
    void aCompletedStageWithNothingHandledStillReadsOneHundredPercent() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("cleanup", 3L));
        f.apply(event(EventType.STAGE_COMPLETE).stage("cleanup"));

        assertEquals(100.0, f.stage("cleanup").percent());
        assertEquals(0L, f.stage("cleanup").total());
    }

    @Test
    void aFailedStageKeepsItsTotalAndShowsHowFarItGot() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 10L));
        f.apply(event(EventType.STAGE_FAIL).stage("download").completed(3L));

        assertEquals(10L, f.stage("download").total());
        assertEquals(30.0, f.stage("download").percent());
    }

    @Test
    void anItemFailInsideAStageCountsOnTheStageAndInProgressFailed() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 10L));
        f.apply(event(EventType.ITEM_FAIL).stage("download").item("a.wav").error("timeout"));
        f.apply(event(EventType.ITEM_COMPLETE).stage("download").item("b.wav"));

        assertEquals(1, f.stage("download").failed());
        assertEquals(1, f.progress().failed(), "progress.failed agrees with errors.count");
        assertEquals(1, f.snapshot().errors().count());
        assertEquals(0, f.progress().current(), "completed stage items stay on the stage");
        assertEquals(20.0, f.progress().percent(), "the job's percent counts the stage once");
    }

    @Test
    void withAJobTotalAStageFailureIsHandledWorkOfTheJob() {
        JobFixture f = JobFixture.jobWithTotal(10);
        f.apply(event(EventType.JOB_PROGRESS).current(3L));
        f.apply(event(EventType.ITEM_FAIL).stage("download").item("x").error("e"));

        assertEquals(40.0, f.progress().percent());
    }
}
