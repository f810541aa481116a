package dev.progresshub.domain;

import java.util.Locale;

/** Lifecycle of a job; {@link #wire()} is the lower-case name used in JSON and query parameters. */
public enum JobStatus {
    PENDING, RUNNING, PAUSED, STALLED, COMPLETED, FAILED, CANCELLED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A terminal job refuses every further event. */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    /** Exact, case-sensitive match on the wire name (the same spelling the snapshot shows). */
    public static JobStatus fromWire(String s) {
        for (JobStatus status : values()) {
            if (status.wire().equals(s)) {
                return status;
            }
        }
        throw new InvalidEventException("status", "unknown status '" + s + "'");
    }
}
