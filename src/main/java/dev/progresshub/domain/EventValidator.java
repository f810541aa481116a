package dev.progresshub.domain;

import dev.progresshub.domain.InvalidEventException.FieldError;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The field rules behind {@link Event#validate()}: collects every bad field before throwing. */
final class EventValidator {

    static final int MAX_NAME_LENGTH = 512;
    static final int MAX_TEXT_LENGTH = 4096;
    private static final Set<String> LEVELS = Set.of("debug", "info", "warning", "error");
    /** A replayed crawler timeline may be old, but no report predates the service's world. */
    static final Instant EARLIEST_AT = Instant.parse("2000-01-01T00:00:00Z");
    static final Duration LATEST_AT_AHEAD = Duration.ofDays(1);

    private final Event event;
    private final DomainLimits limits;
    private final List<FieldError> errors = new ArrayList<>();

    private EventValidator(Event event, DomainLimits limits) {
        this.event = event;
        this.limits = limits;
    }

    static void validate(Event event, DomainLimits limits, Instant now) {
        EventValidator validator = new EventValidator(event, limits);
        validator.checkRequiredFields();
        validator.checkCounts();
        validator.checkLengths();
        validator.checkLevel();
        validator.checkAt(now);
        validator.checkTexts();
        validator.checkSizes();
        if (!validator.errors.isEmpty()) {
            throw new InvalidEventException(validator.errors);
        }
    }

    private void checkRequiredFields() {
        switch (event.type()) {
            case STAGE_START, STAGE_PROGRESS, STAGE_COMPLETE, STAGE_FAIL -> require("stage", event.stage());
            case ITEM_COMPLETE -> require("item", event.item());
            case ITEM_FAIL -> {
                require("item", event.item());
                require("error", event.error());
            }
            case ITEMS_DISCOVERED -> checkItemsByType();
            case CHECKPOINT -> require("lastProcessedId", event.lastProcessedId());
            case MESSAGE -> require("message", event.message());
            default -> { }
        }
    }

    private void checkItemsByType() {
        Map<String, Long> deltas = event.itemsByType();
        if (deltas == null || deltas.isEmpty()) {
            add("itemsByType", "must name at least one item type for items_discovered");
            return;
        }
        if (deltas.size() > limits.itemTypesPerJob()) {
            add("itemsByType", "must have " + DomainLimits.atMost(limits.itemTypesPerJob(), "item types",
                    "item-types-per-job"));
            return;
        }
        deltas.forEach((itemType, delta) -> {
            if (itemType == null || itemType.isBlank()) {
                add("itemsByType", "item type names must not be blank");
            } else if (itemType.trim().length() > MAX_NAME_LENGTH) {
                add("itemsByType", "item type names must be at most " + MAX_NAME_LENGTH + " characters");
            } else if (delta == null || delta < 0) {
                add("itemsByType." + itemType, "must be a count of 0 or more");
            }
        });
    }

    private void checkCounts() {
        notNegative("current", event.current());
        notNegative("total", event.total());
        notNegative("completed", event.completed());
        notNegative("failed", event.failed());
        notNegative("seq", event.seq());
    }

    private void checkLengths() {
        atMost("stage", event.stage(), limits.stageNameChars(), "stage-name-chars");
        atMost("item", event.item(), MAX_NAME_LENGTH);
        atMost("worker", event.worker(), MAX_NAME_LENGTH);
        atMost("currentItem", event.currentItem(), MAX_NAME_LENGTH);
        atMost("errorClass", event.errorClass(), MAX_NAME_LENGTH);
        atMost("status", event.status(), MAX_NAME_LENGTH);
        atMost("lastProcessedId", event.lastProcessedId(), MAX_NAME_LENGTH);
        atMost("message", event.message(), MAX_TEXT_LENGTH);
        atMost("details", event.details(), MAX_TEXT_LENGTH);
        atMost("phase", event.phase(), MAX_TEXT_LENGTH);
        atMost("error", event.error(), MAX_TEXT_LENGTH);
        atMost("batchInfo", event.batchInfo(), MAX_TEXT_LENGTH);
    }

    private void checkAt(Instant now) {
        Instant at = event.at();
        if (at != null && (at.isBefore(EARLIEST_AT) || at.isAfter(now.plus(LATEST_AT_AHEAD)))) {
            add("at", "must be from " + EARLIEST_AT + " to 1 day ahead of now (" + now + ")");
        }
    }

    private void checkTexts() {
        wireFields().forEach((field, value) -> {
            if (!Texts.storable(value)) {
                add(field, Texts.RULE);
            }
        });
    }

    /** The free-form parts and the whole event, in bytes of their JSON. */
    private void checkSizes() {
        if (event.data() != null && !limits.fitsData(event.data())) {
            add("data", "must be " + DomainLimits.atMost(limits.dataBytes(), "bytes of JSON", "data-bytes"));
        }
        if (event.resumeState() != null && JsonSize.of(event.resumeState()) > limits.resumeStateBytes()) {
            add("resumeState", "must be " + DomainLimits.atMost(limits.resumeStateBytes(), "bytes of JSON",
                    "resume-state-bytes"));
        }
        if (errors.isEmpty() && JsonSize.of(wireFields()) > limits.eventBytes()) {
            add("event", "must be " + DomainLimits.atMost(limits.eventBytes(), "bytes of JSON", "event-bytes"));
        }
    }

    private Map<String, Object> wireFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("type", event.type().wire());
        Object[] values = { event.stage(), event.item(), event.worker(), event.seq(), event.at(), event.current(),
                event.total(), event.phase(), event.message(), event.details(), event.currentItem(), event.error(),
                event.errorClass(), event.status(), event.completed(), event.failed(), event.batchInfo(),
                event.itemsByType(), event.lastProcessedId(), event.resumeState(), event.level(), event.data() };
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                fields.put(Event.FIELDS.get(i + 1), values[i]);
            }
        }
        return fields;
    }

    private void checkLevel() {
        if (event.level() != null && !LEVELS.contains(event.level())) {
            add("level", "must be one of debug, info, warning, error");
        }
    }

    /** Blank counts as missing: an empty stage name would create a nameless stage. */
    private void require(String field, String value) {
        if (value == null || value.isBlank()) {
            add(field, "is required for " + event.type().wire());
        }
    }

    private void notNegative(String field, Long value) {
        if (value != null && value < 0) {
            add(field, "must not be negative");
        }
    }

    private void atMost(String field, String value, int maxLength) {
        if (value != null && value.trim().length() > maxLength) {
            add(field, "must be at most " + maxLength + " characters");
        }
    }

    private void atMost(String field, String value, int maxLength, String setting) {
        if (value != null && value.trim().length() > maxLength) {
            add(field, "must be " + DomainLimits.atMost(maxLength, "characters", setting));
        }
    }

    private void add(String field, String message) {
        errors.add(new FieldError(field, message));
    }
}
