package dev.progresshub.domain;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static dev.progresshub.domain.JobFixture.T0;
import static dev.progresshub.domain.JobFixture.event;
import static java.util.stream.Collectors.toMap;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CONTRACT section 8: a job's state stays bounded whatever one caller sends; each refusal names its limit. */
class BoundsTest {

    /** Small limits, so the tests stay small: every bound of {@link DomainLimits} at a few units. */
    private static final DomainLimits SMALL = new DomainLimits(400, 100, 120, 3, 3, 2, 2, 20, 10, 8, 2);

    private static JobFixture smallJob() {
        JobFixture f = JobFixture.job();
        f.limits = SMALL;
        return f;
    }

    private static InvalidEventException refused(JobFixture f, Event.Builder event) {
        JobSnapshot before = f.snapshot();
        InvalidEventException refused = assertThrows(InvalidEventException.class, () -> f.apply(event));
        assertEquals(before, f.snapshot(), "a refused event changes nothing");
        return refused;
    }

    private static void assertNames(InvalidEventException refused, String field, String setting) {
        assertEquals(field, refused.errors().getFirst().field());
        assertTrue(refused.getMessage().contains("progress-hub.limits." + setting), refused.getMessage());
    }

    @Test
    void aNewStagePastTheBoundIsRefusedKnownStagesStillWork() {
        JobFixture f = smallJob();
        for (String stage : List.of("a", "b", "c")) {
            f.apply(event(EventType.STAGE_START).stage(stage));
        }
        assertNames(refused(f, event(EventType.ITEM_COMPLETE).stage("d").item("x")), "stage", "stages-per-job");
        assertDoesNotThrow(() -> f.apply(event(EventType.ITEM_COMPLETE).stage("c").item("x")));
    }

    @Test
    void newItemTypesPastTheBoundAreRefusedKnownOnesStillAccumulate() {
        JobFixture f = smallJob();
        f.apply(event(EventType.ITEMS_DISCOVERED).itemsByType(Map.of("a", 1L, "b", 1L)));
        assertNames(refused(f, event(EventType.ITEMS_DISCOVERED).itemsByType(Map.of("c", 1L, "d", 1L))),
                "itemsByType", "item-types-per-job");
        f.apply(event(EventType.ITEMS_DISCOVERED).itemsByType(Map.of("a", 1L, "c", 1L)));
        assertEquals(Map.of("a", 2L, "b", 1L, "c", 1L), f.snapshot().itemsByType());
    }

    @Test
    void oneEventWithTooManyItemTypesIsRefused() {
        Map<String, Long> many = IntStream.range(0, 4).boxed().collect(toMap(i -> "t" + i, i -> 1L));
        assertNames(refused(smallJob(), event(EventType.ITEMS_DISCOVERED).itemsByType(many)), "itemsByType",
                "item-types-per-job");
    }

    @Test
    void errorClassesPastTheBoundAreCountedUnderOther() {
        JobFixture f = smallJob();
        for (String errorClass : List.of("timeout", "http_404", "http_500", "dns", "timeout")) {
            f.apply(event(EventType.ITEM_FAIL).item("i").error("e").errorClass(errorClass));
        }
        assertEquals(Map.of("timeout", 2L, "http_404", 1L, "other", 2L), f.snapshot().errors().byClass());
        assertEquals(5, f.snapshot().errors().count());
    }

    @Test
    void theWorkerIdleLongestLosesItsSeqLedgerPastTheBound() {
        JobFixture f = smallJob();
        f.apply(event(EventType.ITEM_COMPLETE).item("a").worker("w1").seq(1L));
        f.apply(event(EventType.ITEM_COMPLETE).item("b").worker("w2").seq(1L));
        f.apply(event(EventType.ITEM_COMPLETE).item("c").worker("w1").seq(2L));
        f.apply(event(EventType.ITEM_COMPLETE).item("d").worker("w3").seq(1L));

        assertEquals(Applied.DUPLICATE, f.apply(event(EventType.ITEM_COMPLETE).item("a").worker("w1").seq(1L)),
                "w1 reported recently: still known");
        assertEquals(Applied.APPLIED, f.apply(event(EventType.ITEM_COMPLETE).item("b").worker("w2").seq(1L)),
                "w2 was idle longest and was forgotten");
    }

    @Test
    void atMustLieBetween2000AndOneDayAhead() {
        JobFixture f = smallJob();
        InvalidEventException old = refused(f, event(EventType.MESSAGE).message("m")
                .at(Instant.parse("1999-12-31T23:59:59Z")));
        assertEquals("at", old.errors().getFirst().field());
        assertTrue(old.getMessage().contains("from 2000-01-01T00:00:00Z to 1 day ahead"), old.getMessage());
        refused(f, event(EventType.MESSAGE).message("m").at(T0.plusSeconds(86_401)));
        assertDoesNotThrow(() -> f.apply(event(EventType.MESSAGE).message("m").at(Instant.parse("2000-01-01T00:00:00Z"))));
        assertDoesNotThrow(() -> f.apply(event(EventType.MESSAGE).message("m").at(T0.plusSeconds(86_400))));
    }

    @Test
    void dataResumeStateAndTheWholeEventAreBoundedInBytesOfJson() {
        JobFixture f = smallJob();
        assertNames(refused(f, event(EventType.MESSAGE).message("m").data(Map.of("blob", "x".repeat(100)))),
                "data", "data-bytes");
        assertNames(refused(f, event(EventType.CHECKPOINT).lastProcessedId("p")
                .resumeState(Map.of("cursor", "x".repeat(120)))), "resumeState", "resume-state-bytes");
        assertNames(refused(f, event(EventType.MESSAGE).message("m".repeat(390))), "event", "event-bytes");
        assertDoesNotThrow(() -> f.apply(event(EventType.MESSAGE).message("m").data(Map.of("blob", "x".repeat(80)))));
    }

    @Test
    void jsonSizeCountsWhatTheJsonTextWouldHold() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("a", List.of(1, true, "x\"y"));
        value.put("b", null);
        assertEquals("{\"a\":[1,true,\"x\\\"y\"],\"b\":null}".length(), JsonSize.of(value));
        assertEquals(4, JsonSize.of("é"), "two UTF-8 bytes plus quotes");
    }

    @Test
    void aNewJobsTextsLabelsAndStagesAreBounded() {
        InvalidEventException refused = assertThrows(InvalidEventException.class, () -> JobState.create("p", "j",
                "n".repeat(21), "o".repeat(11),
                null, List.of(new StageSpec("s".repeat(9), null)), Map.of("a", "1", "b", "2", "c", "3"), 60, T0, SMALL));
        assertEquals(List.of("name", "operation", "labels", "stages[0].name"),
                refused.errors().stream().map(InvalidEventException.FieldError::field).toList());
        assertTrue(refused.getMessage().contains("progress-hub.limits.name-chars"), refused.getMessage());
        assertTrue(refused.getMessage().contains("progress-hub.limits.operation-chars"), refused.getMessage());
        assertTrue(refused.getMessage().contains("progress-hub.limits.labels-per-job"), refused.getMessage());
        assertTrue(refused.getMessage().contains("progress-hub.limits.stage-name-chars"), refused.getMessage());

        List<StageSpec> fourStages = List.of(new StageSpec("a", null), new StageSpec("b", null),
                new StageSpec("c", null), new StageSpec("d", null));
        InvalidEventException tooMany = assertThrows(InvalidEventException.class, () -> JobState.create("p", "j", "n",
                null, null, fourStages, Map.of(), 60, T0, SMALL));
        assertTrue(tooMany.getMessage().contains("progress-hub.limits.stages-per-job"), tooMany.getMessage());
    }

    @Test
    void labelsNeedShortKeysAndTextValues() {
        Map<String, String> labels = new HashMap<>();
        labels.put("k".repeat(65), "v");
        labels.put("team", null);
        InvalidEventException refused = assertThrows(InvalidEventException.class, () -> JobState.create("p", "j", "n",
                null, null, null, labels, 60, T0, DomainLimits.DEFAULTS));
        assertEquals(2, refused.errors().size());
    }
}
