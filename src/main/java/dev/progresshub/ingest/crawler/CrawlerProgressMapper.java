package dev.progresshub.ingest.crawler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.progresshub.domain.DomainLimits;
import dev.progresshub.domain.Event;
import dev.progresshub.domain.EventType;
import dev.progresshub.domain.InvalidEventException;
import dev.progresshub.ingest.AdapterEvents;

/**
 * Translates a crawler payload into the domain's events, so the accumulation rules of seed 003 are the
 * domain's own: {@code processedItems} → job_progress current (never moves back), {@code itemsByType} →
 * items_discovered deltas, {@code lastProcessedId}/{@code resumeState} → checkpoint, {@code timeline[]} →
 * message events (the timeline only appends), status → the lifecycle event. Pure.
 * <p>
 * A report is one entry of the job's timeline, as in seed 003 ("every progress update generates a timeline
 * event"): its job_progress event carries the deltas and the last processed id in its {@code data}, and the
 * items_discovered and checkpoint events it brings are applied without timeline rows of their own. A
 * {@code resumeState}, or deltas too large for {@code data}, keep their events in the timeline.
 */
final class CrawlerProgressMapper {

    static final List<String> STATUSES = List.of("started", "processing", "completed", "failed", "paused",
            "new_areas_discovered", "credential_expiry", "credential_renewal", "credential_resumed");

    /** Domain field names as the crawler calls them, so a refusal names what the crawler sent. */
    private static final Map<String, String> PAYLOAD_FIELDS = Map.of("current", "processedItems",
            "total", "totalItems", "phase", "stage", "currentItem", "currentDataType");

    private CrawlerProgressMapper() {
    }

    /** A report's events, and the types among them its job_progress event carries (not stored on their own). */
    record Mapped(List<Event> events, Set<EventType> carried) {
    }

    static Mapped events(CrawlerProgress p, DomainLimits limits, Instant now) {
        String status = p.status() == null ? "processing" : p.status();
        if (!STATUSES.contains(status)) {
            throw new InvalidEventException("status", "one of " + String.join(", ", STATUSES));
        }
        Map<String, Long> deltas = p.itemsByType() == null ? Map.of() : nonNull(p.itemsByType());
        Set<EventType> carried = EnumSet.noneOf(EventType.class);
        List<Event> events = new ArrayList<>();
        if (status.equals("started")) {
            events.add(Event.builder(EventType.JOB_START).total(p.totalItems()).build());
        }
        if (status.equals("processing") || hasProgress(p)) {
            events.add(progress(p, progressData(p, deltas, limits, carried)));
        }
        if (!deltas.isEmpty()) {
            events.add(Event.builder(EventType.ITEMS_DISCOVERED).itemsByType(deltas).build());
        }
        if (p.lastProcessedId() != null || p.resumeState() != null) {
            events.add(Event.builder(EventType.CHECKPOINT).lastProcessedId(p.lastProcessedId())
                    .resumeState(p.resumeState()).build());
        }
        if (p.timeline() != null) {
            p.timeline().stream().filter(Objects::nonNull).map(CrawlerProgressMapper::timelineEntry)
                    .forEach(events::add);
        }
        special(status, p).ifPresent(events::add);
        lifecycleEnd(status, p).ifPresent(events::add);
        return new Mapped(AdapterEvents.validated(events, PAYLOAD_FIELDS, limits, now), carried);
    }

    private static boolean hasProgress(CrawlerProgress p) {
        return p.processedItems() != null || p.totalItems() != null || p.stage() != null
                || p.currentDataType() != null || p.message() != null;
    }

    /**
     * The job_progress event's data: the operation type, and the report's deltas and last processed id when they
     * fit; the types of the events it then carries go to {@code carried}.
     */
    private static Map<String, Object> progressData(CrawlerProgress p, Map<String, Long> deltas, DomainLimits limits,
            Set<EventType> carried) {
        Map<String, Object> data = new LinkedHashMap<>();
        if (p.operationType() != null) {
            data.put("operationType", p.operationType());
        }
        Map<String, Object> withReport = new LinkedHashMap<>(data);
        if (!deltas.isEmpty()) {
            withReport.put("itemsByType", deltas);
        }
        boolean plainCheckpoint = p.lastProcessedId() != null && p.resumeState() == null;
        if (plainCheckpoint) {
            withReport.put("lastProcessedId", p.lastProcessedId());
        }
        if (withReport.size() > data.size() && limits.fitsData(withReport)) {
            if (!deltas.isEmpty()) {
                carried.add(EventType.ITEMS_DISCOVERED);
            }
            if (plainCheckpoint) {
                carried.add(EventType.CHECKPOINT);
            }
            return withReport;
        }
        return data.isEmpty() ? null : data;
    }

    private static Event progress(CrawlerProgress p, Map<String, Object> data) {
        String phase = p.stage() != null ? p.stage() : p.operationType();
        return Event.builder(EventType.JOB_PROGRESS).current(p.processedItems()).total(p.totalItems())
                .phase(phase).currentItem(p.currentDataType()).message(p.message()).data(data).build();
    }

    private static Event timelineEntry(CrawlerProgress.TimelineEntry entry) {
        String text = entry.message() != null ? entry.message() : entry.event() != null ? entry.event() : "timeline";
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("kind", "timeline");
        data.put("event", entry.event());
        data.put("details", entry.details());
        return Event.builder(EventType.MESSAGE).message(text).at(entry.timestamp()).data(data).build();
    }

    /** Discovery and credential reports are kept in the timeline, with what the crawler said about them. */
    private static Optional<Event> special(String status, CrawlerProgress p) {
        JsonNode detail;
        String key;
        if (status.equals("new_areas_discovered")) {
            key = "discoveredAreas";
            detail = p.discoveredAreas();
        } else if (status.startsWith("credential_")) {
            key = "credentialStatus";
            detail = p.credentialStatus();
        } else {
            return Optional.empty();
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("kind", status);
        data.put(key, detail);
        String level = status.equals("credential_expiry") ? "warning" : "info";
        String text = p.message() != null ? p.message() : status.replace('_', ' ');
        return Optional.of(Event.builder(EventType.MESSAGE).message(text).level(level).data(data).build());
    }

    private static Optional<Event> lifecycleEnd(String status, CrawlerProgress p) {
        return Optional.ofNullable(switch (status) {
            case "completed" -> Event.builder(EventType.JOB_COMPLETE).message(p.message()).build();
            case "failed" -> Event.builder(EventType.JOB_FAIL).message(p.message())
                    .error(p.error() != null ? p.error() : "failed").build();
            case "paused" -> Event.builder(EventType.JOB_PAUSE).message(p.message()).build();
            default -> null;
        });
    }

    private static Map<String, Long> nonNull(Map<String, Long> deltas) {
        Map<String, Long> kept = new LinkedHashMap<>();
        deltas.forEach((type, delta) -> {
            if (delta != null) {
                kept.put(type, delta);
            }
        });
        return kept;
    }
}
