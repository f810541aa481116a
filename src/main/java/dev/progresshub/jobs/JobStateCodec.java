package dev.progresshub.jobs;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.progresshub.domain.JobState;

/**
 * Stores the domain aggregate as JSON through its fields, so the domain needs no setters or annotations.
 * A mapper of its own: the API's mapper settings must never change what is on disk.
 */
@ApplicationScoped
public class JobStateCodec {

    private final ObjectMapper mapper;

    JobStateCodec(ObjectMapper apiMapper) {
        this.mapper = apiMapper.copy()
                .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
                .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false);
    }

    public String write(JobState state) {
        try {
            return mapper.writeValueAsString(state);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("job state not serializable", e);
        }
    }

    public JobState read(String json) {
        try {
            return mapper.readValue(json, JobState.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored job state unreadable", e);
        }
    }
}
