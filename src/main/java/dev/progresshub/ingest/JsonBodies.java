package dev.progresshub.ingest;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.progresshub.config.ProgressHubConfig;
import dev.progresshub.domain.DomainLimits;
import dev.progresshub.domain.Event;
import dev.progresshub.errors.ProblemException;

/**
 * Reads ingest bodies from raw bytes, so the size limit, the Idempotency-Key body hash and the error
 * answers are all ours: a wrong type names its field, and nothing is applied unless every event is valid.
 */
@ApplicationScoped
public class JsonBodies {

    private final ObjectMapper mapper;
    private final ProgressHubConfig.Limits limits;
    private final EventReader events;

    JsonBodies(ObjectMapper mapper, ProgressHubConfig config, DomainLimits domainLimits, Clock clock) {
        this.mapper = mapper;
        this.limits = config.limits();
        this.events = new EventReader(mapper, domainLimits, clock);
    }

    /** The reader of single events, for adapters that find events outside a JSON body. */
    public EventReader eventReader() {
        return events;
    }

    public <T> T read(byte[] body, Class<T> type) {
        JsonNode tree = tree(body);
        if (!tree.isObject()) {
            throw ProblemException.badRequest("the body must be a JSON object");
        }
        return events.convert(tree, type, "");
    }

    /** One event or an array of them, converted and validated; the first bad field refuses them all. */
    public List<Event> readEvents(byte[] body) {
        JsonNode tree = tree(body);
        if (tree.isObject()) {
            return List.of(events.read(tree, ""));
        }
        if (!tree.isArray()) {
            throw ProblemException.badRequest("send one event object or an array of events");
        }
        checkEventCount(tree.size(), "request");
        if (tree.isEmpty()) {
            throw ProblemException.invalid("events", "send at least one event");
        }
        List<Event> read = new ArrayList<>(tree.size());
        for (int i = 0; i < tree.size(); i++) {
            read.add(events.read(tree.get(i), "[" + i + "]."));
        }
        return read;
    }

    /** The events-per-request bound, for a body and for any list a payload turns into events. */
    public void checkEventCount(int events, String what) {
        if (events > limits.eventsPerRequest()) {
            throw ProblemException.payloadTooLarge("at most " + limits.eventsPerRequest() + " events per request "
                    + "(progress-hub.limits.events-per-request); this " + what + " has " + events);
        }
    }

    public void checkSize(byte[] body) {
        if (body.length > limits.bodyBytes()) {
            throw ProblemException.payloadTooLarge("the body has " + body.length + " bytes; the limit is "
                    + limits.bodyBytes() + " (progress-hub.limits.body-bytes)");
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

    static String location(IOException e) {
        if (e instanceof JsonProcessingException json && json.getLocation() != null) {
            return " (line " + json.getLocation().getLineNr() + ", column " + json.getLocation().getColumnNr() + ")";
        }
        return "";
    }
}
