package dev.progresshub.domain;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.progresshub.domain.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Retries never double count (worker + seq), and events older than a worker's newest never overwrite. */
class DuplicateAndLateEventTest {

    private static Event.Builder itemDone(String worker, long seq) {
        return event(EventType.ITEM_COMPLETE).item("item-" + seq).worker(worker).seq(seq);
    }

    @Test
    void aRetriedEventIsADuplicateAndChangesNothing() {
        JobFixture f = JobFixture.job();
        assertEquals(Applied.APPLIED, f.apply(itemDone("w1", 1)));
        JobSnapshot before = f.snapshot();

        assertEquals(Applied.DUPLICATE, f.advance(5).apply(itemDone("w1", 1)));
        assertEquals(before, f.snapshot(), "not even version or heartbeatAt move");
    }

    @Test
    void outOfOrderSeqsEachApplyOnce() {
        JobFixture f = JobFixture.job();
        assertEquals(Applied.APPLIED, f.apply(itemDone("w1", 3)));
        assertEquals(Applied.APPLIED, f.apply(itemDone("w1", 1)));
        assertEquals(Applied.APPLIED, f.apply(itemDone("w1", 2)));
        assertEquals(Applied.DUPLICATE, f.apply(itemDone("w1", 1)));
        assertEquals(Applied.DUPLICATE, f.apply(itemDone("w1", 2)));
        assertEquals(Applied.DUPLICATE, f.apply(itemDone("w1", 3)));

        assertEquals(3, f.progress().current());
    }

    @Test
    void seqZeroCountsLikeAnyOther() {
        JobFixture f = JobFixture.job();
        f.apply(itemDone("w1", 1));

        assertEquals(Applied.APPLIED, f.apply(itemDone("w1", 0)));
        assertEquals(Applied.DUPLICATE, f.apply(itemDone("w1", 0)));
        assertEquals(2, f.progress().current());
    }

    @Test
    void duplicatesAreRecognisedAfterManyEvents() {
        JobFixture f = JobFixture.job();
        for (long seq = 1; seq <= 20_000; seq++) {
            f.apply(itemDone("w1", seq));
        }

        assertEquals(Applied.DUPLICATE, f.apply(itemDone("w1", 5)));
        assertEquals(Applied.DUPLICATE, f.apply(itemDone("w1", 19_999)));
        assertEquals(Applied.APPLIED, f.apply(itemDone("w1", 20_001)));
        assertEquals(20_001, f.progress().current());
    }

    @Test
    void aLostSeqStillAppliesWhenItArrivesLate() {
        JobFixture f = JobFixture.job();
        for (long seq = 1; seq <= 100; seq++) {
            if (seq != 50) {
                f.apply(itemDone("w1", seq));
            }
        }

        assertEquals(Applied.APPLIED, f.apply(itemDone("w1", 50)));
        assertEquals(100, f.progress().current());
    }

    @Test
    void memoryForGapsIsBoundedByGivingUpTheOldestGap() {
        JobFixture f = JobFixture.job();
        // Every odd seq is lost: each even seq opens one more remembered gap, one more than the bound.
        for (long seq = 0; seq <= 2L * SeqLedger.MAX_RANGES; seq += 2) {
            f.apply(itemDone("w1", seq));
        }

        assertEquals(Applied.DUPLICATE, f.apply(itemDone("w1", 1)), "the oldest gap was given up");
        assertEquals(Applied.APPLIED, f.apply(itemDone("w1", 3)), "newer gaps are still remembered");
        assertEquals(SeqLedger.MAX_RANGES + 2, f.progress().current());
    }

    @Test
    void seqsAreTrackedPerWorker() {
        JobFixture f = JobFixture.job();
        assertEquals(Applied.APPLIED, f.apply(itemDone("w1", 1)));
        assertEquals(Applied.APPLIED, f.apply(itemDone("w2", 1)));
        assertEquals(Applied.DUPLICATE, f.apply(itemDone("w2", 1)));

        assertEquals(2, f.progress().current());
    }

    @Test
    void eventsWithoutWorkerOrSeqAreNeverDuplicates() {
        JobFixture f = JobFixture.job();
        f.apply(event(EventType.ITEM_COMPLETE).item("a").seq(1L));
        f.apply(event(EventType.ITEM_COMPLETE).item("a").seq(1L));
        f.apply(event(EventType.ITEM_COMPLETE).item("a").worker("w1"));
        f.apply(event(EventType.ITEM_COMPLETE).item("a").worker("w1"));

        assertEquals(4, f.progress().current());
    }

    @Test
    void severalWorkersReportIntoOneJob() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 4L), new StageSpec("parse", 4L));
        f.apply(event(EventType.ITEM_COMPLETE).stage("download").item("a").worker("dl-1").seq(1L));
        f.apply(event(EventType.ITEM_COMPLETE).stage("download").item("b").worker("dl-2").seq(1L));
        f.apply(event(EventType.ITEM_COMPLETE).stage("parse").item("a").worker("parser").seq(1L));
        f.apply(event(EventType.ITEM_FAIL).stage("download").item("c").error("404").worker("dl-1").seq(2L));
        f.apply(event(EventType.ITEM_COMPLETE).stage("download").item("b").worker("dl-2").seq(1L));

        assertEquals(2, f.stage("download").completed());
        assertEquals(1, f.stage("download").failed());
        assertEquals(1, f.stage("parse").completed());
        assertEquals(50.0, f.progress().percent(), "4 of 8 stage items handled");
    }

    @Test
    void aLateEventCountsButDoesNotOverwriteJobTexts() {
        JobFixture f = JobFixture.jobWithTotal(100);
        f.apply(event(EventType.JOB_PROGRESS).worker("w1").seq(2L).current(20L).phase("phase 2").message("m2")
                .details("d2").currentItem("item-20"));
        f.apply(event(EventType.JOB_PROGRESS).worker("w1").seq(1L).current(30L).total(500L).phase("phase 1")
                .message("m1").details("d1").currentItem("item-10"));

        JobSnapshot.Progress progress = f.progress();
        assertEquals(30, progress.current(), "counters still count");
        assertEquals(100L, progress.total());
        assertEquals("phase 2", progress.phase());
        assertEquals("m2", progress.message());
        assertEquals("d2", progress.details());
        assertEquals("item-20", progress.currentItem());
    }

    @Test
    void aLateJobStartDoesNotReplaceTotalOrMessage() {
        JobFixture f = JobFixture.job();
        f.apply(event(EventType.JOB_PROGRESS).worker("w1").seq(2L).total(10L).message("newer"));
        f.apply(event(EventType.JOB_START).worker("w1").seq(1L).total(5L).message("older"));

        assertEquals(10L, f.progress().total());
        assertEquals("newer", f.progress().message());
    }

    @Test
    void aLateStageEventCountsButDoesNotOverwriteTotalOrBatchInfo() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 100L));
        f.apply(event(EventType.STAGE_PROGRESS).stage("download").worker("w1").seq(5L).completed(50L)
                .batchInfo("batch 5"));
        f.apply(event(EventType.STAGE_PROGRESS).stage("download").worker("w1").seq(4L).completed(40L).failed(2L)
                .total(80L).batchInfo("batch 4"));
        f.apply(event(EventType.ITEM_COMPLETE).stage("download").item("x").worker("w1").seq(3L));

        JobSnapshot.StageView stage = f.stage("download");
        assertEquals(51, stage.completed());
        assertEquals(2, stage.failed());
        assertEquals(100L, stage.total());
        assertEquals("batch 5", stage.batchInfo());
    }

    @Test
    void aLateCheckpointDoesNotOverwriteTheNewerOne() {
        JobFixture f = JobFixture.job();
        f.apply(event(EventType.CHECKPOINT).worker("w1").seq(2L).lastProcessedId("id-200").resumeState(Map.of("page", 2)));
        f.apply(event(EventType.CHECKPOINT).worker("w1").seq(1L).lastProcessedId("id-100").resumeState(Map.of("page", 1)));

        assertEquals("id-200", f.snapshot().lastProcessedId());
        assertEquals(Map.of("page", 2), f.snapshot().resumeState());
    }

    @Test
    void aLatePauseDoesNotUndoANewerResume() {
        JobFixture f = JobFixture.job();
        f.apply(event(EventType.JOB_START).worker("w1").seq(1L));
        f.apply(event(EventType.JOB_RESUME).worker("w1").seq(3L));
        f.apply(event(EventType.JOB_PAUSE).worker("w1").seq(2L));

        assertEquals("running", f.status());
    }

    @Test
    void aLateResumeDoesNotUndoANewerPause() {
        JobFixture f = JobFixture.job();
        f.apply(event(EventType.JOB_PAUSE).worker("w1").seq(3L));
        f.apply(event(EventType.JOB_RESUME).worker("w1").seq(2L));

        assertEquals("paused", f.status());
    }

    @Test
    void aLateStageStartDoesNotReopenAClosedStage() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 10L));
        f.apply(event(EventType.STAGE_COMPLETE).stage("download").worker("w1").seq(2L));
        f.apply(event(EventType.STAGE_START).stage("download").worker("w1").seq(1L).total(99L));

        assertEquals("completed", f.stage("download").status());
        assertEquals(0L, f.stage("download").total(), "a completed stage's total is what it handled, not the late 99");
    }

    @Test
    void aLateStageStartStillStartsAPendingStage() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 10L), new StageSpec("parse", 10L));
        f.apply(event(EventType.STAGE_START).stage("parse").worker("w1").seq(2L));
        f.apply(event(EventType.STAGE_START).stage("download").worker("w1").seq(1L));

        assertEquals("running", f.stage("download").status());
    }

    @Test
    void anEventFromAnotherWorkerIsNotLate() {
        JobFixture f = JobFixture.job();
        f.apply(event(EventType.JOB_PROGRESS).worker("w1").seq(9L).phase("w1 phase"));
        f.apply(event(EventType.JOB_PROGRESS).worker("w2").seq(1L).phase("w2 phase"));

        assertEquals("w2 phase", f.progress().phase());
    }

    @Test
    void aLateFailedItemStillReachesTheErrorLedger() {
        JobFixture f = JobFixture.job();
        f.apply(itemDone("w1", 2));
        f.apply(event(EventType.ITEM_FAIL).item("x").error("boom").worker("w1").seq(1L));

        assertEquals(1, f.snapshot().errors().count());
        assertEquals(1, f.progress().failed());
    }
}
