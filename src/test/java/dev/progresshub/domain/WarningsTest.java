package dev.progresshub.domain;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.progresshub.domain.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** CONTRACT section 4: what is applied but looks like a mistake comes back as a warning naming the field. */
class WarningsTest {

    @Test
    void anUnknownFieldIsIgnoredAndNamesTheClosestKnownField() {
        JobFixture f = JobFixture.jobWithTotal(10);
        f.apply(event(EventType.JOB_PROGRESS).ignoredFields(List.of("curent")));

        assertEquals(List.of(new Warning("curent", "unknown field, ignored; did you mean 'current'?")), f.warnings);
        assertEquals(0, f.progress().current());
        assertEquals(2, f.snapshot().version(), "the rest of the event is applied");
    }

    @Test
    void anUnknownFieldLikeNoKnownOneGetsNoGuess() {
        JobFixture f = JobFixture.job();
        f.apply(event(EventType.HEARTBEAT).ignoredFields(List.of("zzzzzzzzzz")));

        assertEquals(List.of(new Warning("zzzzzzzzzz", "unknown field, ignored")), f.warnings);
    }

    @Test
    void aStageTheJobDidNotDeclareIsCreatedWithAWarning() {
        JobFixture f = JobFixture.jobWithStages(new StageSpec("download", 10L), new StageSpec("parse", 10L));
        f.apply(event(EventType.ITEM_COMPLETE).stage("downlaod").item("a"));

        assertEquals(List.of(new Warning("stage", "stage 'downlaod' was not declared when the job was created; "
                + "created it; did you mean 'download'?")), f.warnings);
        assertEquals(1, f.stage("downlaod").completed());

        f.apply(event(EventType.ITEM_COMPLETE).stage("downlaod").item("b"));
        assertEquals(List.of(), f.warnings, "warned once: the stage exists now");
    }

    @Test
    void aJobThatDeclaredNoStagesCreatesThemSilently() {
        JobFixture f = JobFixture.job();
        f.apply(event(EventType.STAGE_START).stage("download"));

        assertEquals(List.of(), f.warnings);
    }

    @Test
    void currentAboveTotalIsAppliedWithAWarning() {
        JobFixture f = JobFixture.jobWithTotal(10);
        f.apply(event(EventType.JOB_PROGRESS).current(12L));

        assertEquals(List.of(new Warning("current", "current 12 is above total 10; the percent stays at 100")),
                f.warnings);
        assertEquals(12, f.progress().current());
        assertEquals(100.0, f.progress().percent());

        f.apply(event(EventType.JOB_PROGRESS).total(11L));
        assertEquals("total", f.warnings.getFirst().field(), "a total lowered under current is named too");

        f.apply(event(EventType.JOB_PROGRESS).current(12L).total(20L));
        assertEquals(List.of(), f.warnings);
    }

    @Test
    void aDuplicateStillWarnsSoARetryGetsTheSameAnswer() {
        JobFixture f = JobFixture.jobWithTotal(10);
        f.apply(event(EventType.JOB_PROGRESS).worker("w").seq(1L).ignoredFields(List.of("curent")));
        assertEquals(Applied.DUPLICATE, f.apply(event(EventType.JOB_PROGRESS).worker("w").seq(1L)
                .ignoredFields(List.of("curent"))));

        assertEquals(1, f.warnings.size());
    }

    @Test
    void warningsCarryTheirPositionInABatch() {
        assertEquals(new Warning("[3].curent", "m"), new Warning("curent", "m").at("[3]."));
    }
}
