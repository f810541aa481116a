package dev.progresshub.domain;

/** Outcome of {@link JobState#apply}: a DUPLICATE (worker + seq seen before) changed nothing. */
public enum Applied {
    APPLIED, DUPLICATE
}
