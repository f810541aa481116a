package dev.progresshub.jobs;

/** A timeline event as committed: its id, what it is, and its JSON as readers receive it. */
public record StoredEvent(long id, String type, String stage, String json) {
}
