package dev.progresshub.ingest;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.progresshub.domain.Warning;

/**
 * The answer to an events request; {@code job} tells a plain HTTP worker about pause and cancel;
 * {@code warnings} (left out when none) what was accepted but looks like a mistake.
 */
@RegisterForReflection(targets = { IngestReceipt.class, IngestReceipt.JobBrief.class })
public record IngestReceipt(int accepted, int duplicates, JobBrief job,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Warning> warnings) {

    public record JobBrief(String status, String requestedState, long version) {
    }
}
