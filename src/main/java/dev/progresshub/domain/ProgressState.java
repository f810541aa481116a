package dev.progresshub.domain;

/** The job's own counters and texts. Mutable and field-only so Jackson (field visibility) round-trips it. */
class ProgressState {
    long current;
    Long total;
    long failed;
    String phase;
    String message;
    String details;
    String currentItem;

    ProgressState() {
    }

    long handled() {
        return current + failed;
    }
}
