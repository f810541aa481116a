package dev.progresshub.jobs;

import java.time.Instant;

/** A job's place in the newest-first list: the keyset a page continues after. */
public record JobPosition(Instant createdAt, String id) {

    public static JobPosition of(JobEntity row) {
        return new JobPosition(row.createdAt, row.id);
    }
}
