package dev.progresshub.domain;

import java.util.Locale;

/** Lifecycle of one stage of a job. */
public enum StageStatus {
    PENDING, RUNNING, COMPLETED, FAILED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** PENDING and RUNNING stages are still open; closing the job closes them. */
    boolean isOpen() {
        return this == PENDING || this == RUNNING;
    }
}
