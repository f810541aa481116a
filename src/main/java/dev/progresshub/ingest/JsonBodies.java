package dev.progresshub.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import dev.progresshub.config.ProgressHubConfig;
import dev.progresshub.domain.Event;
import dev.progresshub.domain.EventType;
import dev.progresshub.domain.InvalidEventException;
import dev.progresshub.errors.ProblemException;

/**
 * Reads ingest bodies from raw bytes, so the size limit, the Idempotency-Key body hash and the error
 * answers are all ours: a wrong type names its field, and nothing is applied unless every event is valid.
 */
@ApplicationScoped
public class JsonBodies {

    private final ObjectMapper mapper;
    private final ProgressHubConfig.Ingest limits;

    JsonBodies(ObjectMapper mapper, ProgressHubConfig config) {
        this.mapper = mapper;
        this.limits = config.ingest();
    }

    public <T> T read(byte[] body, Class<T> type) {
        JsonNode tree = tree(body);
        if (!tree.isObject()) {
            throw ProblemException.badRequest("the body must be a JSON object");
        }
        return convert(tree, type, "");
    }

    /** One event or an array of them, converted and validated; the first bad field refuses them all. */
    public List<Event> readEvents(byte[] body) {
        JsonNode tree = tree(body);
        if (tree.isObject()) {
            return List.of(toEvent(convert(tree, EventInput.class, ""), ""));
        }
        if (!tree.isArray()) {
            throw ProblemException.badRequest("send one event object or an array of events");
        }
        if (tree.size() > limits.maxEventsPerRequest()) {
            throw ProblemException.payloadTooLarge("at most " + limits.maxEventsPerRequest()
                    + " events per request; this one has " + tree.size());
        }
        if (tree.isEmpty()) {
            throw ProblemException.invalid("events", "send at least one event");
        }
        List<Event> events = new ArrayList<>(tree.size());
        for (int i = 0; i < tree.size(); i++) {
            String path = "[" + i + "].";
            events.add(toEvent(convert(tree.get(i), EventInput.class, path), path));
        }
        return events;
    }

    public void checkSize(byte[] body) {
        if (body.length > limits.maxBodyBytes()) {
            throw ProblemException.payloadTooLarge("the body has " + body.length + " bytes; the limit is "
                    + limits.maxBodyBytes());
        }
    }

    private JsonNode tree(byte[] body) {
        checkSize(body);
        if (body.length == 0) {
            throw ProblemException.badRequest("the body is empty; send JSON");
        }
        try {
            return mapper.readTree(body);
        } catch (IOException e) {
            throw ProblemException.badRequest("the body is not valid JSON" + location(e));
        }
    }

    private <T> T convert(JsonNode node, Class<T> type, String path) {
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
            throw ProblemException.badRequest("the body could not be read" + location(e));
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
            if (mapper.writeValueAsBytes(data).length > limits.maxDataBytes()) {
                throw new InvalidEventException("data", "at most " + limits.maxDataBytes() + " bytes of JSON");
            }
            return mapper.treeToValue(data, Object.class);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("data", "not JSON");
        }
    }

    private static String location(IOException e) {
        if (e instanceof JsonProcessingException json && json.getLocation() != null) {
            return " (line " + json.getLocation().getLineNr() + ", column " + json.getLocation().getColumnNr() + ")";
        }
        return "";
    }
}
