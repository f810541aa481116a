package dev.progresshub.jobs;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.progresshub.domain.Event;

/**
 * Writes a timeline event the way readers see it: id, type, then only the fields that were sent. The id is the
 * database's, given as the row is inserted, so the fields after it are rendered first and joined to it then.
 */
@ApplicationScoped
public class EventJson {

    private final ObjectMapper mapper;

    EventJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The start of every stored body, before the id's digits. */
    static final String ID_PREFIX = "{\"id\":";

    /** The whole body: the id, then the fields {@link #fieldsAfterId} rendered. */
    static String withId(long id, String fieldsAfterId) {
        return ID_PREFIX + id + "," + fieldsAfterId;
    }

    /** The event's fields as they follow the id in its body: {@code "type":…}, closing brace included. */
    public String fieldsAfterId(Event e, Instant at) {
        ObjectNode node = mapper.createObjectNode();
        node.put("type", e.type().wire());
        putIfPresent(node, "stage", e.stage());
        putIfPresent(node, "item", e.item());
        putIfPresent(node, "worker", e.worker());
        if (e.seq() != null) {
            node.put("seq", e.seq());
        }
        node.put("at", at.toString());
        putIfPresent(node, "current", e.current());
        putIfPresent(node, "total", e.total());
        putIfPresent(node, "completed", e.completed());
        putIfPresent(node, "failed", e.failed());
        putIfPresent(node, "phase", e.phase());
        putIfPresent(node, "message", e.message());
        putIfPresent(node, "details", e.details());
        putIfPresent(node, "currentItem", e.currentItem());
        putIfPresent(node, "error", e.error());
        putIfPresent(node, "errorClass", e.errorClass());
        putIfPresent(node, "status", e.status());
        putIfPresent(node, "batchInfo", e.batchInfo());
        putIfPresent(node, "lastProcessedId", e.lastProcessedId());
        putIfPresent(node, "level", e.level());
        putTree(node, "itemsByType", e.itemsByType());
        putTree(node, "resumeState", e.resumeState());
        putTree(node, "data", e.data());
        try {
            return mapper.writeValueAsString(node).substring(1);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("event not serializable", ex);
        }
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static void putIfPresent(ObjectNode node, String field, Long value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private void putTree(ObjectNode node, String field, Object value) {
        if (value != null) {
            node.set(field, mapper.valueToTree(value));
        }
    }
}
