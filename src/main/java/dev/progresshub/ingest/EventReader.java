package dev.progresshub.ingest;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import dev.progresshub.domain.DomainLimits;
import dev.progresshub.domain.Event;
import dev.progresshub.domain.EventType;
import dev.progresshub.domain.InvalidEventException;
import dev.progresshub.errors.ProblemException;

/**
 * Turns one JSON event (CONTRACT section 3) into a validated domain {@link Event}. Shared by the JSON ingest
 * bodies and by adapters that find events elsewhere (a JSON line in a process's log). Plain Java, so those
 * adapters can be unit-tested without the container.
 */
public final class EventReader {

    private final ObjectMapper mapper;
    private final DomainLimits limits;
    private final Clock clock;

    public EventReader(ObjectMapper mapper, DomainLimits limits, Clock clock) {
        this.mapper = mapper;
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * The event in {@code node}; field errors are prefixed with {@code path} (e.g. "[3]."). Throws
     * {@link ProblemException} for a wrong JSON type and {@link InvalidEventException} for a broken rule.
     */
    public Event read(JsonNode node, String path) {
        EventInput input = convert(node, EventInput.class, path);
        List<String> ignored = new ArrayList<>();
        node.fieldNames().forEachRemaining(field -> {
            if (!Event.FIELDS.contains(field)) {
                ignored.add(field);
            }
        });
        return toEvent(input, ignored, path);
    }

    /** The field rules and bounds, for events an adapter built itself. */
    public void validate(Event event) {
        event.validate(limits, clock.instant());
    }

    <T> T convert(JsonNode node, Class<T> type, String path) {
        if (!node.isObject()) {
            throw ProblemException.invalid(path.isEmpty() ? "body" : path.substring(0, path.length() - 1),
                    "must be a JSON object");
        }
        try {
            return mapper.treeToValue(node, type);
        } catch (MismatchedInputException e) {
            String field = e.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."));
            throw ProblemException.invalid(path + field, "expected " + expected(e.getTargetType()));
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest("the body could not be read" + JsonBodies.location(e));
        }
    }

    /** What a wrong-typed field should have been, in JSON words. */
    private static String expected(Class<?> type) {
        if (type == null) {
            return "another JSON type";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (CharSequence.class.isAssignableFrom(type)) {
            return "a string";
        }
        if (Instant.class.equals(type)) {
            return "an ISO-8601 UTC time such as 2026-11-23T10:00:00Z";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }

    private Event toEvent(EventInput input, List<String> ignoredFields, String path) {
        try {
            if (input.type() == null) {
                throw new InvalidEventException("type", "required");
            }
            Event event = Event.builder(EventType.fromIngest(input.type()))
                    .stage(input.stage()).item(input.item()).worker(input.worker()).seq(input.seq()).at(input.at())
                    .current(input.current()).total(input.total()).phase(input.phase()).message(input.message())
                    .details(input.details()).currentItem(input.currentItem()).error(input.error())
                    .errorClass(input.errorClass()).status(input.status()).completed(input.completed())
                    .failed(input.failed()).batchInfo(input.batchInfo()).itemsByType(input.itemsByType())
                    .lastProcessedId(input.lastProcessedId()).resumeState(input.resumeState()).level(input.level())
                    .data(data(input.data())).ignoredFields(ignoredFields)
                    .build();
            event.validate(limits, clock.instant());
            return event;
        } catch (InvalidEventException e) {
            throw new InvalidEventException(e.errors().stream()
                    .map(error -> new InvalidEventException.FieldError(path + error.field(), error.message()))
                    .toList());
        }
    }

    /** Free-form data stays JSON-shaped (maps, lists, values); the domain bounds its size. */
    private Object data(JsonNode data) {
        if (data == null || data.isNull()) {
            return null;
        }
        try {
            return mapper.treeToValue(data, Object.class);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("data", "not JSON");
        }
    }
}
