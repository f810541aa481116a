package dev.progresshub.ingest;

/**
 * What an ingest request answered: kept as is for Idempotency-Key replays, which must get the first
 * answer again.
 */
public record IngestAnswer(int status, String body, String location) {
}
