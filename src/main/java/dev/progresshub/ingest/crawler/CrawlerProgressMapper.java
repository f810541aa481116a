package dev.progresshub.ingest.crawler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
 */
final class CrawlerProgressMapper {

    static final List<String> STATUSES = List.of("started", "processing", "completed", "failed", "paused",
            "new_areas_discovered", "credential_expiry", "credential_renewal", "credential_resumed");

    /** Domain field names as the crawler calls them, so a refusal names what the crawler sent. */
    private static final Map<String, String> PAYLOAD_FIELDS = Map.of("current", "processedItems",
            "total", "totalItems", "phase", "stage", "currentItem", "currentDataType");

    private CrawlerProgressMapper() {
    }

    static List<Event> events(CrawlerProgress p, DomainLimits limits, Instant now) {
        String status = p.status() == null ? "processing" : p.status();
        if (!STATUSES.contains(status)) {
            throw new InvalidEventException("status", "one of " + String.join(", ", STATUSES));
        }
        List<Event> events = new ArrayList<>();
        if (status.equals("started")) {
            events.add(Event.builder(EventType.JOB_START).total(p.totalItems()).build());
        }
        if (status.equals("processing") || hasProgress(p)) {
            events.add(progress(p));
        }
        if (p.itemsByType() != null && p.itemsByType().values().stream().anyMatch(Objects::nonNull)) {
            events.add(Event.builder(EventType.ITEMS_DISCOVERED).itemsByType(nonNull(p.itemsByType())).build());
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
        return AdapterEvents.validated(events, PAYLOAD_FIELDS, limits, now);
    }

    private static boolean hasProgress(CrawlerProgress p) {
        return p.processedItems() != null || p.totalItems() != null || p.stage() != null
                || p.currentDataType() != null || p.message() != null;
    }

    private static Event progress(CrawlerProgress p) {
        String phase = p.stage() != null ? p.stage() : p.operationType();
        Map<String, Object> data = p.operationType() == null ? null : Map.of("operationType", p.operationType());
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
