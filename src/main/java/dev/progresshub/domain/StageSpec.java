package dev.progresshub.domain;

/** A stage declared when the job is created; it starts PENDING. */
public record StageSpec(String name, Long total) {
}
