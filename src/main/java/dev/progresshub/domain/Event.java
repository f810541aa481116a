package dev.progresshub.domain;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One event as the domain sees it. Immutable. Null = field absent.
 * The compact constructor trims stage, item and worker (they are identities: "download " and "download"
 * must be one stage) and copies the maps so a caller cannot change an event after the fact.
 */
public record Event(EventType type, String stage, String item, String worker, Long seq, Instant at,
                    Long current, Long total, String phase, String message, String details, String currentItem,
                    String error, String errorClass, String status, Long completed, Long failed,
                    String batchInfo, Map<String, Long> itemsByType, String lastProcessedId,
                    Map<String, Object> resumeState, String level, Object data, List<String> ignoredFields) {

    /** Every field an event may carry on the wire (CONTRACT section 3), for spotting a misspelled one. */
    public static final List<String> FIELDS = List.of("type", "stage", "item", "worker", "seq", "at", "current",
            "total", "phase", "message", "details", "currentItem", "error", "errorClass", "status", "completed",
            "failed", "batchInfo", "itemsByType", "lastProcessedId", "resumeState", "level", "data");

    public Event {
        if (type == null) {
            throw new IllegalArgumentException("an event needs a type");
        }
        stage = trim(stage);
        item = trim(item);
        worker = trim(worker);
        itemsByType = readOnlyCopy(itemsByType);
        resumeState = readOnlyCopy(resumeState);
        ignoredFields = ignoredFields == null ? List.of() : List.copyOf(ignoredFields);
    }

    public static Builder builder(EventType type) {
        return new Builder(type);
    }

    /**
     * Field rules of CONTRACT section 3 and the bounds of section 8 ({@code now} bounds {@code at}); throws
     * InvalidEventException listing every bad field.
     */
    public void validate(DomainLimits limits, Instant now) {
        EventValidator.validate(this, limits, now);
    }

    /** Fields the sender used that no event has (ignored), each with the known field it probably meant. */
    public List<Warning> warnings() {
        return ignoredFields.stream()
                .map(field -> new Warning(field, "unknown field, ignored" + Closest.hint(field, FIELDS)))
                .toList();
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }

    /** LinkedHashMap rather than Map.copyOf: keeps the sender's order and tolerates null values (validate reports them). */
    private static <V> Map<String, V> readOnlyCopy(Map<String, V> map) {
        return map == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** Fluent builder: one setter per record component, named like the component. */
    public static final class Builder {
        private final EventType type;
        private String stage;
        private String item;
        private String worker;
        private Long seq;
        private Instant at;
        private Long current;
        private Long total;
        private String phase;
        private String message;
        private String details;
        private String currentItem;
        private String error;
        private String errorClass;
        private String status;
        private Long completed;
        private Long failed;
        private String batchInfo;
        private Map<String, Long> itemsByType;
        private String lastProcessedId;
        private Map<String, Object> resumeState;
        private String level;
        private Object data;
        private List<String> ignoredFields;

        private Builder(EventType type) {
            this.type = type;
        }

        public Builder stage(String stage) { this.stage = stage; return this; }
        public Builder item(String item) { this.item = item; return this; }
        public Builder worker(String worker) { this.worker = worker; return this; }
        public Builder seq(Long seq) { this.seq = seq; return this; }
        public Builder at(Instant at) { this.at = at; return this; }
        public Builder current(Long current) { this.current = current; return this; }
        public Builder total(Long total) { this.total = total; return this; }
        public Builder phase(String phase) { this.phase = phase; return this; }
        public Builder message(String message) { this.message = message; return this; }
        public Builder details(String details) { this.details = details; return this; }
        public Builder currentItem(String currentItem) { this.currentItem = currentItem; return this; }
        public Builder error(String error) { this.error = error; return this; }
        public Builder errorClass(String errorClass) { this.errorClass = errorClass; return this; }
        public Builder status(String status) { this.status = status; return this; }
        public Builder completed(Long completed) { this.completed = completed; return this; }
        public Builder failed(Long failed) { this.failed = failed; return this; }
        public Builder batchInfo(String batchInfo) { this.batchInfo = batchInfo; return this; }
        public Builder itemsByType(Map<String, Long> itemsByType) { this.itemsByType = itemsByType; return this; }
        public Builder lastProcessedId(String lastProcessedId) { this.lastProcessedId = lastProcessedId; return this; }
        public Builder resumeState(Map<String, Object> resumeState) { this.resumeState = resumeState; return this; }
        public Builder level(String level) { this.level = level; return this; }
        public Builder data(Object data) { this.data = data; return this; }
        public Builder ignoredFields(List<String> ignoredFields) { this.ignoredFields = ignoredFields; return this; }

        public Event build() {
            return new Event(type, stage, item, worker, seq, at, current, total, phase, message, details,
                    currentItem, error, errorClass, status, completed, failed, batchInfo, itemsByType,
                    lastProcessedId, resumeState, level, data, ignoredFields);
        }
    }
}
