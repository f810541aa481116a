package dev.progresshub.domain;

import dev.progresshub.domain.InvalidEventException.FieldError;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The field rules behind {@link Event#validate()}: collects every bad field before throwing. */
final class EventValidator {

    static final int MAX_NAME_LENGTH = 512;
    static final int MAX_TEXT_LENGTH = 4096;
    private static final Set<String> LEVELS = Set.of("debug", "info", "warning", "error");

    private final Event event;
    private final List<FieldError> errors = new ArrayList<>();

    private EventValidator(Event event) {
        this.event = event;
    }

    static void validate(Event event) {
        EventValidator validator = new EventValidator(event);
        validator.checkRequiredFields();
        validator.checkCounts();
        validator.checkLengths();
        validator.checkLevel();
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
        atMost("stage", event.stage(), MAX_NAME_LENGTH);
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

    private void add(String field, String message) {
        errors.add(new FieldError(field, message));
    }
}
