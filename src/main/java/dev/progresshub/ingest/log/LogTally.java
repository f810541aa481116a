package dev.progresshub.ingest.log;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.progresshub.ingest.IngestReceipt;

/**
 * What one log upload did, answered when its body ends: non-blank lines read, events applied, duplicates,
 * lines that reported nothing (or came after the job finished), lines that claimed to be an event but were
 * broken, lines over the length limit, and the job as the worker should see it.
 */
@RegisterForReflection
public record LogTally(long lines, long events, long duplicates, long ignored, long parseErrors, long overlongLines,
        IngestReceipt.JobBrief job) {
}
