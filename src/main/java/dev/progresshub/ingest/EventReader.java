package dev.progresshub.ingest;

import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

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
    private final int maxDataBytes;

    public EventReader(ObjectMapper mapper, int maxDataBytes) {
        this.mapper = mapper;
        this.maxDataBytes = maxDataBytes;
    }

    /**
     * The event in {@code node}; field errors are prefixed with {@code path} (e.g. "[3]."). Throws
     * {@link ProblemException} for a wrong JSON type and {@link InvalidEventException} for a broken rule.
     */
    public Event read(JsonNode node, String path) {
        return toEvent(convert(node, EventInput.class, path), path);
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
            throw ProblemException.invalid(path + field, "has the wrong type");
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest("the body could not be read" + JsonBodies.location(e));
        }
    }

    private Event toEvent(EventInput input, String path) {
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
                    .data(data(input.data()))
                    .build();
            event.validate();
            return event;
        } catch (InvalidEventException e) {
            throw new InvalidEventException(e.errors().stream()
                    .map(error -> new InvalidEventException.FieldError(path + error.field(), error.message()))
                    .toList());
        }
    }

    /** Free-form data stays JSON-shaped (maps, lists, values) and within its size limit. */
    private Object data(JsonNode data) {
        if (data == null || data.isNull()) {
            return null;
        }
        try {
            if (mapper.writeValueAsBytes(data).length > maxDataBytes) {
                throw new InvalidEventException("data", "at most " + maxDataBytes + " bytes of JSON");
            }
            return mapper.treeToValue(data, Object.class);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("data", "not JSON");
        }
    }
}
