package dev.progresshub.config;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Writes the service's own values (snapshots, answers) as JSON text with the API's mapper. */
@ApplicationScoped
public class JsonText {

    private final ObjectMapper mapper;

    JsonText(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Our values always serialize; a failure here is a bug, not a client error. */
    public String of(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not serializable: " + value.getClass().getName(), e);
        }
    }
}
