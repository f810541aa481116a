package dev.progresshub.domain;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Wire names of event types and statuses, aliases, and which types ingest accepts. */
class VocabularyTest {

    @Test
    void ingestAcceptsEveryWorkerTypeByItsWireName() {
        List<String> ingestible = List.of("job_start", "job_progress", "job_complete", "job_fail", "job_pause",
                "job_resume", "job_cancel", "stage_start", "item_complete", "item_fail", "stage_progress",
                "stage_complete", "stage_fail", "items_discovered", "checkpoint", "message", "heartbeat");
        for (String wire : ingestible) {
            assertEquals(wire, EventType.fromIngest(wire).wire());
        }
    }

    @Test
    void fileAliasesMapToItemTypes() {
        assertEquals(EventType.ITEM_COMPLETE, EventType.fromIngest("file_complete"));
        assertEquals(EventType.ITEM_FAIL, EventType.fromIngest("file_fail"));
        assertEquals(Optional.empty(), EventType.fromWire("file_complete"), "aliases are never stored");
    }

    @Test
    void ingestRefusesUnknownAndServiceTypes() {
        for (String wire : Arrays.asList("job_stalled", "pause_requested", "job_created", "JOB_START", "nope", null)) {
            InvalidEventException refused = assertThrows(InvalidEventException.class, () -> EventType.fromIngest(wire));
            assertEquals("type", refused.errors().getFirst().field());
            assertTrue(refused.errors().getFirst().message().startsWith("unknown event type '" + wire + "'"));
            assertTrue(refused.errors().getFirst().message().endsWith("valid types: " + String.join(", ",
                    EventType.ingestNames())), refused.getMessage());
        }
    }

    @Test
    void fromWireReadsBackEveryStoredType() {
        for (EventType type : EventType.values()) {
            assertEquals(Optional.of(type), EventType.fromWire(type.wire()));
        }
        assertEquals(Optional.empty(), EventType.fromWire("bogus"));
    }

    @Test
    void onlyHeartbeatsStayOutOfTheTimeline() {
        for (EventType type : EventType.values()) {
            assertEquals(type != EventType.HEARTBEAT, type.keptInTimeline(), type.wire());
        }
    }

    @Test
    void serviceTypesAreNotIngestible() {
        assertFalse(EventType.JOB_STALLED.acceptedFromIngest());
        assertFalse(EventType.CANCEL_REQUESTED.acceptedFromIngest());
        assertTrue(EventType.HEARTBEAT.acceptedFromIngest());
    }

    @Test
    void statusesHaveLowerCaseWireNames() {
        assertEquals(JobStatus.STALLED, JobStatus.fromWire("stalled"));
        assertEquals("cancelled", JobStatus.CANCELLED.wire());
        assertEquals("running", StageStatus.RUNNING.wire());
        assertEquals("paused", RequestedState.PAUSED.wire());
        InvalidEventException unknown = assertThrows(InvalidEventException.class, () -> JobStatus.fromWire("done"));
        assertEquals(List.of(new InvalidEventException.FieldError("status", "unknown status 'done'")), unknown.errors());
    }

    @Test
    void onlyCompletedFailedAndCancelledAreTerminal() {
        for (JobStatus status : JobStatus.values()) {
            boolean expected = status == JobStatus.COMPLETED || status == JobStatus.FAILED || status == JobStatus.CANCELLED;
            assertEquals(expected, status.isTerminal(), status.wire());
        }
    }
}
