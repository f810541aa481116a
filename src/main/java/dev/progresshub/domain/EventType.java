package dev.progresshub.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The one vocabulary of change (CONTRACT section 3) plus the events the service writes itself. */
public enum EventType {
    JOB_START("job_start"), JOB_PROGRESS("job_progress"), JOB_COMPLETE("job_complete"), JOB_FAIL("job_fail"),
    JOB_PAUSE("job_pause"), JOB_RESUME("job_resume"), JOB_CANCEL("job_cancel"),
    STAGE_START("stage_start"), ITEM_COMPLETE("item_complete"), ITEM_FAIL("item_fail"),
    STAGE_PROGRESS("stage_progress"), STAGE_COMPLETE("stage_complete"), STAGE_FAIL("stage_fail"),
    ITEMS_DISCOVERED("items_discovered"), CHECKPOINT("checkpoint"), MESSAGE("message"), HEARTBEAT("heartbeat"),
    // written by the service itself, never accepted from ingest:
    PAUSE_REQUESTED("pause_requested"), RESUME_REQUESTED("resume_requested"), CANCEL_REQUESTED("cancel_requested"),
    JOB_STALLED("job_stalled"), JOB_CREATED("job_created");

    /** Older workers (seed file processors) report files rather than items. */
    private static final Map<String, EventType> ALIASES = Map.of(
            "file_complete", ITEM_COMPLETE,
            "file_fail", ITEM_FAIL);

    private final String wire;

    EventType(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** Heartbeats only prove liveness; storing them would drown the timeline. */
    public boolean keptInTimeline() {
        return this != HEARTBEAT;
    }

    public boolean acceptedFromIngest() {
        return switch (this) {
            case PAUSE_REQUESTED, RESUME_REQUESTED, CANCEL_REQUESTED, JOB_STALLED, JOB_CREATED -> false;
            default -> true;
        };
    }

    /** Work events wake a PENDING or STALLED job (domain rule 5). */
    boolean isWork() {
        return switch (this) {
            case JOB_START, JOB_PROGRESS, STAGE_START, ITEM_COMPLETE, ITEM_FAIL, STAGE_PROGRESS,
                 STAGE_COMPLETE, STAGE_FAIL, ITEMS_DISCOVERED, CHECKPOINT -> true;
            default -> false;
        };
    }

    /**
     * Accepts the aliases file_complete -> ITEM_COMPLETE, file_fail -> ITEM_FAIL.
     * Unknown or not-ingestible type -> InvalidEventException(field "type", "unknown event type 'x'").
     * Matching is exact and case-sensitive, like every wire name.
     */
    public static EventType fromIngest(String wire) {
        if (wire != null && ALIASES.containsKey(wire)) {
            return ALIASES.get(wire);
        }
        return fromWire(wire)
                .filter(EventType::acceptedFromIngest)
                .orElseThrow(() -> new InvalidEventException("type", "unknown event type '" + wire + "'"
                        + Closest.hint(wire, ingestNames()) + "; valid types: " + String.join(", ", ingestNames())));
    }

    /** Every wire name ingest accepts, aliases included, in vocabulary order. */
    public static List<String> ingestNames() {
        List<String> names = new ArrayList<>();
        for (EventType type : values()) {
            if (type.acceptedFromIngest()) {
                names.add(type.wire);
            }
        }
        names.addAll(ALIASES.keySet().stream().sorted().toList());
        return names;
    }

    /** Any type including the service ones, for reading the timeline back; aliases are never stored. */
    public static Optional<EventType> fromWire(String wire) {
        for (EventType type : values()) {
            if (type.wire.equals(wire)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
