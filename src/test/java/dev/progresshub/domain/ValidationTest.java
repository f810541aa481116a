package dev.progresshub.domain;

import dev.progresshub.domain.InvalidEventException.FieldError;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.progresshub.domain.JobFixture.T0;
import static dev.progresshub.domain.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Field rules of CONTRACT section 3 and of a new job; apply never lets a bad event touch the job. */
class ValidationTest {

    private static List<FieldError> errorsOf(Event.Builder event) {
        return assertThrows(InvalidEventException.class, () -> event.build().validate(DomainLimits.DEFAULTS, T0)).errors();
    }

    private static FieldError error(String field, String message) {
        return new FieldError(field, message);
    }

    @Test
    void stageEventsNeedAStage() {
        for (EventType type : List.of(EventType.STAGE_START, EventType.STAGE_PROGRESS, EventType.STAGE_COMPLETE,
                EventType.STAGE_FAIL)) {
            assertEquals(List.of(error("stage", "is required for " + type.wire())), errorsOf(event(type)));
            assertEquals(List.of(error("stage", "is required for " + type.wire())), errorsOf(event(type).stage("  ")));
        }
    }

    @Test
    void itemEventsNeedAnItemAndFailuresAnError() {
        assertEquals(List.of(error("item", "is required for item_complete")), errorsOf(event(EventType.ITEM_COMPLETE)));
        assertEquals(List.of(error("item", "is required for item_fail"), error("error", "is required for item_fail")),
                errorsOf(event(EventType.ITEM_FAIL)));
    }

    @Test
    void itemsDiscoveredNeedsNonNegativeDeltas() {
        assertEquals(List.of(error("itemsByType", "must name at least one item type for items_discovered")),
                errorsOf(event(EventType.ITEMS_DISCOVERED)));
        assertEquals(List.of(error("itemsByType", "must name at least one item type for items_discovered")),
                errorsOf(event(EventType.ITEMS_DISCOVERED).itemsByType(Map.of())));
        Map<String, Long> bad = new HashMap<>();
        bad.put("issues", -1L);
        bad.put("projects", null);
        bad.put(" ", 1L);
        assertEquals(3, errorsOf(event(EventType.ITEMS_DISCOVERED).itemsByType(bad)).size());
        assertEquals(List.of(error("itemsByType.issues", "must be a count of 0 or more")),
                errorsOf(event(EventType.ITEMS_DISCOVERED).itemsByType(Map.of("issues", -1L, "groups", 0L))));
    }

    @Test
    void checkpointNeedsLastProcessedIdAndMessageNeedsMessage() {
        assertEquals(List.of(error("lastProcessedId", "is required for checkpoint")), errorsOf(event(EventType.CHECKPOINT)));
        assertEquals(List.of(error("message", "is required for message")), errorsOf(event(EventType.MESSAGE)));
    }

    @Test
    void countsMustNotBeNegative() {
        List<FieldError> errors = errorsOf(event(EventType.JOB_PROGRESS).current(-1L).total(-1L).completed(-1L)
                .failed(-1L).seq(-1L).worker("w"));

        assertEquals(List.of("current", "total", "completed", "failed", "seq"), errors.stream().map(FieldError::field).toList());
        assertEquals("must not be negative", errors.get(0).message());
    }

    @Test
    void namesAreLimitedTo512AndTextsTo4096TrimmedCharacters() {
        String name = "n".repeat(513);
        String text = "t".repeat(4097);
        List<FieldError> errors = errorsOf(event(EventType.ITEM_FAIL).stage(name).item(name).worker(name)
                .currentItem(name).errorClass(name).lastProcessedId(name).message(text).details(text).phase(text)
                .error(text).batchInfo(text));

        assertEquals(List.of("stage", "item", "worker", "currentItem", "errorClass", "lastProcessedId", "message",
                "details", "phase", "error", "batchInfo"), errors.stream().map(FieldError::field).toList());
        assertEquals("must be at most 256 characters (progress-hub.limits.stage-name-chars)", errors.get(0).message());
        assertEquals("must be at most 512 characters", errors.get(1).message());
        assertEquals("must be at most 4096 characters", errors.get(6).message());
        assertDoesNotThrow(() -> event(EventType.MESSAGE).message("  " + "m".repeat(4096) + "  ").build().validate(DomainLimits.DEFAULTS, T0));
    }

    @Test
    void levelMustBeKnownWhenPresent() {
        assertEquals(List.of(error("level", "must be one of debug, info, warning, error")),
                errorsOf(event(EventType.MESSAGE).message("x").level("fatal")));
        for (String level : List.of("debug", "info", "warning", "error")) {
            assertDoesNotThrow(() -> event(EventType.MESSAGE).message("x").level(level).build().validate(DomainLimits.DEFAULTS, T0));
        }
    }

    @Test
    void everyBadFieldIsListedAndNamedInTheMessage() {
        InvalidEventException invalid = assertThrows(InvalidEventException.class,
                () -> event(EventType.ITEM_FAIL).seq(-2L).level("loud").build().validate(DomainLimits.DEFAULTS, T0));

        assertEquals(4, invalid.errors().size());
        assertEquals("invalid input: item is required for item_fail; error is required for item_fail; "
                + "seq must not be negative; level must be one of debug, info, warning, error", invalid.getMessage());
    }

    @Test
    void minimalEventsOfEveryIngestTypeAreValid() {
        for (EventType type : EventType.values()) {
            if (type.acceptedFromIngest()) {
                Event minimal = event(type).stage("s").item("i").error("e").message("m").lastProcessedId("p")
                        .itemsByType(Map.of("t", 1L)).build();
                assertDoesNotThrow(() -> minimal.validate(DomainLimits.DEFAULTS, T0), type.wire());
            }
        }
    }

    @Test
    void applyRefusesABadEventWithoutTouchingTheJob() {
        JobFixture f = JobFixture.job();
        JobSnapshot before = f.snapshot();

        assertThrows(InvalidEventException.class, () -> f.apply(event(EventType.STAGE_PROGRESS).completed(3L)));
        assertThrows(InvalidEventException.class,
                () -> f.apply(event(EventType.ITEM_COMPLETE).worker("w1").seq(-1L).item("a")));
        assertEquals(before, f.snapshot());
    }

    @Test
    void applyRefusesTheServicesOwnEventTypes() {
        JobFixture f = JobFixture.job();
        for (EventType type : List.of(EventType.PAUSE_REQUESTED, EventType.RESUME_REQUESTED,
                EventType.CANCEL_REQUESTED, EventType.JOB_STALLED, EventType.JOB_CREATED)) {
            assertThrows(IllegalArgumentException.class, () -> f.apply(type), type.wire());
        }
        assertEquals(1, f.snapshot().version());
    }

    @Test
    void aNewJobNeedsSaneNumbersAndDistinctStageNames() {
        InvalidEventException invalid = assertThrows(InvalidEventException.class, () -> JobState.create("p", "j", " ",
                null, -1L, List.of(new StageSpec("a", 1L), new StageSpec(" a ", -2L), new StageSpec(" ", null)),
                Map.of(), 0, T0, DomainLimits.DEFAULTS));

        assertEquals(List.of(
                error("name", "is required"),
                error("total", "must not be negative"),
                error("heartbeatSeconds", "must be between 5 and 604800"),
                error("stages[1].name", "duplicates stage 'a'"),
                error("stages[1].total", "must not be negative"),
                error("stages[2].name", "is required")), invalid.errors());
    }

    @Test
    void aNewJobMayOmitOptionalParts() {
        JobState job = JobState.create("p", "j", "n", null, null, null, null, 30, T0, DomainLimits.DEFAULTS);

        assertEquals(List.of(), job.snapshot().stages());
        assertEquals(Map.of(), job.snapshot().labels());
        assertNull(job.snapshot().progress().total());
    }

    @Test
    void textMustBeStorableNoNulNoUnpairedSurrogate() {
        assertEquals(List.of(error("message", "must be text without U+0000 or unpaired surrogates")),
                errorsOf(event(EventType.MESSAGE).message("a\u0000b")));
        assertEquals(List.of(error("resumeState", "must be text without U+0000 or unpaired surrogates")),
                errorsOf(event(EventType.CHECKPOINT).lastProcessedId("p").resumeState(Map.of("k\ud800", 1))));
        assertEquals(List.of(error("item", "must be text without U+0000 or unpaired surrogates")),
                errorsOf(event(EventType.ITEM_COMPLETE).item("x\udc00")));
        assertDoesNotThrow(() -> event(EventType.MESSAGE).message("emoji \ud83d\ude00").build()
                .validate(DomainLimits.DEFAULTS, T0));
        InvalidEventException job = assertThrows(InvalidEventException.class, () -> JobState.create("p", "j",
                "n\u0000", "o\ud800", null, List.of(new StageSpec("s\u0000", null)), Map.of("k", "v\u0000"), 60, T0,
                DomainLimits.DEFAULTS));
        assertEquals(List.of("name", "operation", "labels", "stages[0].name"),
                job.errors().stream().map(FieldError::field).toList());
    }
}
