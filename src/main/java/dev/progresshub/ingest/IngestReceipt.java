package dev.progresshub.ingest;

/** The answer to an events request; {@code job} tells a plain HTTP worker about pause and cancel. */
public record IngestReceipt(int accepted, int duplicates, JobBrief job) {

    public record JobBrief(String status, String requestedState, long version) {
    }
}
