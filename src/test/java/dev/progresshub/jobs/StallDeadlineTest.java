package dev.progresshub.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.progresshub.domain.DomainLimits;
import dev.progresshub.domain.Event;
import dev.progresshub.domain.EventType;
import dev.progresshub.domain.JobState;

/** The stall deadline as stored: never late, at most one step early, and still for a worker reporting often. */
class StallDeadlineTest {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00.250Z");

    @Test
    void aJobReportingTenTimesASecondMovesItsStoredDeadlineOnlyOnceAStep() {
        long heartbeatSeconds = 60;
        long step = heartbeatSeconds / 8;
        JobState job = job(heartbeatSeconds);
        Instant now = T0;
        report(job, EventType.JOB_START, now);
        Set<Instant> stored = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            now = now.plusMillis(100);
            report(job, EventType.JOB_PROGRESS, now);
            Instant deadline = job.heartbeatAt().plusSeconds(heartbeatSeconds);
            Instant kept = JobStore.stallDeadline(job);
            assertFalse(kept.isAfter(deadline), "a stall is never found late");
            assertTrue(kept.isAfter(deadline.minusSeconds(step)), "nor more than one step early");
            stored.add(kept);
        }
        assertTrue(stored.size() >= 4 && stored.size() <= 6, "30 s of reports, a 7 s step: " + stored);
    }

    @Test
    void aShortHeartbeatStillStepsByWholeSeconds() {
        JobState job = job(5);
        report(job, EventType.JOB_START, T0);
        assertEquals(Instant.parse("2026-11-28T10:00:05Z"), JobStore.stallDeadline(job));
    }

    @Test
    void aPendingJobHasNoDeadline() {
        assertNull(JobStore.stallDeadline(job(60)));
    }

    private static JobState job(long heartbeatSeconds) {
        return JobState.create("default", "crawl", "Crawl", null, null, List.of(), Map.of(), heartbeatSeconds, T0,
                DomainLimits.DEFAULTS);
    }

    private static void report(JobState job, EventType type, Instant now) {
        job.apply(Event.builder(type).build(), now, DomainLimits.DEFAULTS, warning -> {
        });
    }
}
