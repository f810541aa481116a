package dev.progresshub.domain;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static dev.progresshub.domain.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Moving-average rates (60 s window, server clock) and the ETAs derived from them. */
class RatesAndEtaTest {

    private static Event.Builder jobAt(long current) {
        return event(EventType.JOB_PROGRESS).current(current);
    }

    private static Event.Builder downloadAt(long completed, long failed) {
        return event(EventType.STAGE_PROGRESS).stage("download").completed(completed).failed(failed);
    }

    @Test
    void noRateOrEtaBeforeTwoSamples() {
        JobFixture f = JobFixture.jobWithTotal(100);
        f.apply(EventType.JOB_START);
        f.advance(10).apply(jobAt(10));

        assertNull(f.snapshot().ratePerSecond());
        assertNull(f.snapshot().etaSeconds());
    }

    @Test
    void jobRateIsHandledItemsPerSecondAndEtaRoundsUp() {
        JobFixture f = JobFixture.jobWithTotal(100);
        f.apply(jobAt(10));
        f.advance(4).apply(jobAt(28));

        assertEquals(4.5, f.snapshot().ratePerSecond());
        assertEquals(16L, f.snapshot().etaSeconds(), "72 left at 4.5/s = 16 s");
    }

    @Test
    void failedItemsCountAsHandled() {
        JobFixture f = JobFixture.jobWithTotal(10);
        f.apply(event(EventType.ITEM_COMPLETE).item("a"));
        f.advance(2).apply(event(EventType.ITEM_FAIL).item("b").error("x"));

        assertEquals(0.5, f.snapshot().ratePerSecond());
        assertEquals(16L, f.snapshot().etaSeconds(), "8 left at 0.5/s");
    }

    @Test
    void theContractExampleStage() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 100L));
        f.apply(downloadAt(1, 1));
        f.advance(20).apply(downloadAt(25, 1));

        JobSnapshot.StageView stage = f.stage("download");
        assertEquals(1.2, stage.ratePerSecond());
        assertEquals(62L, stage.etaSeconds(), "74 left at 1.2/s");
        assertEquals(26.0, stage.percent());
    }

    @Test
    void theRateIsRoundedToTwoDecimals() {
        JobFixture f = JobFixture.jobWithTotal(1000);
        f.apply(jobAt(1));
        f.advance(3).apply(jobAt(2));

        assertEquals(0.33, f.snapshot().ratePerSecond());
        assertEquals(2994L, f.snapshot().etaSeconds(), "998 left at exactly 1/3 per second");
    }

    @Test
    void onlySamplesInTheLastMinuteCountPlusOneBaselineBeforeIt() {
        JobFixture f = JobFixture.jobWithTotal(10_000);
        f.apply(jobAt(100));
        f.advance(100).apply(jobAt(200));
        f.advance(40).apply(jobAt(600));
        f.advance(30).apply(jobAt(900));

        // At t170 the window starts at t110: 100-at-t0 is dropped, 200-at-t100 is the baseline: 700 in 70 s.
        assertEquals(10.0, f.snapshot().ratePerSecond());
    }

    @Test
    void aSlowdownShowsOnceOldSamplesLeaveTheWindow() {
        JobFixture f = JobFixture.jobWithTotal(10_000);
        f.apply(jobAt(1));
        for (int i = 1; i <= 6; i++) {
            f.advance(10).apply(jobAt(1 + 100L * i));
        }
        assertEquals(10.0, f.snapshot().ratePerSecond());

        // Seven slow samples (t70..t130): the fast ones before the baseline at t60 leave the window.
        for (int i = 1; i <= 7; i++) {
            f.advance(10).apply(jobAt(601 + 10L * i));
        }
        assertEquals(1.0, f.snapshot().ratePerSecond());
    }

    @Test
    void reportsWithoutProgressLowerTheRateSoTheEtaIsNeverStale() {
        JobFixture f = JobFixture.jobWithTotal(100);
        f.apply(jobAt(10));
        f.advance(5).apply(jobAt(20));
        assertEquals(2.0, f.snapshot().ratePerSecond());
        assertEquals(40L, f.snapshot().etaSeconds());

        f.advance(20).apply(event(EventType.JOB_PROGRESS).phase("still busy"));
        assertEquals(0.4, f.snapshot().ratePerSecond(), "10 items in the 25 s up to the last report");
        assertEquals(200L, f.snapshot().etaSeconds());

        f.advance(120).apply(EventType.HEARTBEAT);
        assertEquals(0.0, f.snapshot().ratePerSecond(), "no progress within the last minute");
        assertNull(f.snapshot().etaSeconds(), "alive but not moving: no ETA rather than a stale one");
    }

    @Test
    void pausedAndStalledJobsHaveNoEtaAndNeitherDoTheirStages() {
        JobFixture paused = JobFixture.jobWithStages(new StageSpec("download", 100L));
        paused.apply(downloadAt(10, 0));
        paused.advance(10).apply(downloadAt(30, 0));
        assertEquals(35L, paused.snapshot().etaSeconds());
        assertEquals(35L, paused.stage("download").etaSeconds());
        paused.apply(EventType.JOB_PAUSE);
        assertNull(paused.snapshot().etaSeconds());
        assertNull(paused.stage("download").etaSeconds());

        JobFixture stalled = JobFixture.jobWithTotal(100);
        stalled.apply(jobAt(10));
        stalled.advance(10).apply(jobAt(30));
        assertEquals(35L, stalled.snapshot().etaSeconds());
        stalled.advance(JobFixture.HEARTBEAT_SECONDS + 1);
        stalled.job.markStalledIfSilent(stalled.now);
        assertEquals("stalled", stalled.status());
        assertNull(stalled.snapshot().etaSeconds(), "a job that stopped updating gets no 'ETA 1 s'");
    }

    @Test
    void eventsAtTheSameInstantShareOneSample() {
        JobFixture f = JobFixture.jobWithTotal(100);
        f.apply(jobAt(10));
        f.advance(10).apply(jobAt(20));
        f.apply(jobAt(30));

        assertEquals(2.0, f.snapshot().ratePerSecond());
    }

    @Test
    void allSamplesAtOneInstantGiveNoRate() {
        JobFixture f = JobFixture.jobWithTotal(100);
        f.apply(jobAt(10));
        f.apply(jobAt(20));

        assertNull(f.snapshot().ratePerSecond());
    }

    @Test
    void aJobReportingTenTimesASecondIsAveragedOverTheWholeMinute() {
        JobFixture f = JobFixture.jobWithTotal(1_000_000);
        long current = 0;
        // 10 items/s for a minute, then 30 items/s, one report every 100 ms.
        for (int i = 0; i < 600; i++) {
            f.apply(jobAt(current += 1));
            f.now = f.now.plusMillis(100);
        }
        for (int i = 0; i < 300; i++) {
            f.apply(jobAt(current += 3));
            f.now = f.now.plusMillis(100);
        }
        double halfway = f.snapshot().ratePerSecond();
        assertTrue(halfway > 19 && halfway < 21, "half a minute at each pace averages 20/s, was " + halfway);

        for (int i = 0; i < 300; i++) {
            f.apply(jobAt(current += 3));
            f.now = f.now.plusMillis(100);
        }
        double later = f.snapshot().ratePerSecond();
        assertTrue(later > 28.4 && later <= 30, "a minute at the new pace shows it, was " + later);
    }

    @Test
    void aBusyWindowKeepsOneSamplePerSpacingSoTheStoredStateStaysSmall() {
        RateWindow window = new RateWindow();
        Instant now = Instant.parse("2026-11-28T10:00:00Z");
        for (int i = 1; i <= 6_000; i++) {
            window.sampleIfChanged(now, i);
            assertTrue(window.samples.size() <= RateWindow.MAX_SAMPLES, "samples after " + i + " reports");
            now = now.plusMillis(100);
        }
        assertEquals(RateWindow.MAX_SAMPLES, window.samples.size());
        for (int i = 1; i < window.samples.size() - 1; i++) {
            Duration gap = Duration.between(window.samples.get(i - 1).at, window.samples.get(i).at);
            assertTrue(gap.compareTo(RateWindow.SPACING) >= 0, "kept samples are a spacing apart: " + gap);
        }
        assertEquals(10.0, Snapshots.round(window.exactRate(null), 2));
    }

    @Test
    void aStateStoredWithDenseSamplesIsTrimmedAtItsNextSample() {
        RateWindow window = new RateWindow();
        Instant start = Instant.parse("2026-11-28T10:00:00Z");
        for (int i = 0; i < 64; i++) {
            window.samples.add(new RateWindow.Sample(start.plusMillis(100L * i), i + 1));
        }
        window.sampleIfChanged(start.plusSeconds(10), 100);

        assertEquals(RateWindow.MAX_SAMPLES, window.samples.size());
    }

    @Test
    void withoutOwnCountsTheJobRateSumsTheStages() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 100L), new StageSpec("parse", 100L));
        f.apply(downloadAt(10, 0));
        f.advance(10).apply(downloadAt(30, 0));
        f.apply(event(EventType.STAGE_PROGRESS).stage("parse").completed(20L));

        JobSnapshot snapshot = f.snapshot();
        assertEquals(4.0, snapshot.ratePerSecond());
        assertEquals(38L, snapshot.etaSeconds(), "150 of 200 left at 4/s");
        assertEquals(2.0, f.stage("download").ratePerSecond());
        assertNull(f.stage("parse").ratePerSecond());
    }

    @Test
    void whenTheJobSwitchesToItsOwnTotalOldStageSamplesAreDropped() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 100L));
        f.apply(downloadAt(50, 0));
        f.advance(10).apply(downloadAt(60, 0));
        f.advance(10).apply(event(EventType.JOB_PROGRESS).current(5L).total(500L));

        assertNull(f.snapshot().ratePerSecond(), "one sample of the new count");
        f.advance(5).apply(jobAt(15));
        assertEquals(2.0, f.snapshot().ratePerSecond());
    }

    @Test
    void etaIsZeroWhenEverythingIsHandled() {
        JobFixture f = JobFixture.jobWithTotal(10);
        f.apply(jobAt(5));
        f.advance(5).apply(jobAt(10));

        assertEquals(0L, f.snapshot().etaSeconds());
    }

    @Test
    void etaIsNullWithoutATotal() {
        JobFixture f = JobFixture.job();
        f.apply(jobAt(5));
        f.advance(5).apply(jobAt(10));

        assertEquals(1.0, f.snapshot().ratePerSecond());
        assertNull(f.snapshot().etaSeconds());
    }

    @Test
    void aCompletedJobKeepsItsLastRateAndHasNoEta() {
        JobFixture f = JobFixture.jobWithTotal(100);
        f.apply(jobAt(10));
        f.advance(10).apply(jobAt(30));
        f.advance(60).apply(EventType.JOB_COMPLETE);

        assertEquals(2.0, f.snapshot().ratePerSecond());
        assertNull(f.snapshot().etaSeconds(), "terminal: nothing left to wait for");
    }

    @Test
    void aFailedOrCancelledJobHasNoEta() {
        JobFixture failed = JobFixture.jobWithTotal(100);
        failed.apply(jobAt(10));
        failed.advance(10).apply(jobAt(30));
        failed.apply(EventType.JOB_FAIL);
        assertEquals(2.0, failed.snapshot().ratePerSecond());
        assertNull(failed.snapshot().etaSeconds());

        JobFixture cancelled = JobFixture.jobWithTotal(100);
        cancelled.apply(jobAt(10));
        cancelled.advance(10).apply(jobAt(30));
        cancelled.apply(EventType.JOB_CANCEL);
        assertNull(cancelled.snapshot().etaSeconds());
    }

    @Test
    void closedStagesHaveNoEta() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 100L), new StageSpec("parse", 100L));
        f.apply(downloadAt(10, 0));
        f.apply(event(EventType.STAGE_PROGRESS).stage("parse").completed(10L));
        f.advance(10).apply(downloadAt(20, 0));
        f.apply(event(EventType.STAGE_PROGRESS).stage("parse").completed(20L));
        f.apply(event(EventType.STAGE_COMPLETE).stage("download"));
        f.apply(event(EventType.STAGE_FAIL).stage("parse"));

        assertEquals(1.0, f.stage("download").ratePerSecond());
        assertNull(f.stage("download").etaSeconds());
        assertEquals(1.0, f.stage("parse").ratePerSecond());
        assertNull(f.stage("parse").etaSeconds());
    }
}
