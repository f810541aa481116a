package dev.progresshub.jobs;

import dev.progresshub.config.JsonText;
import dev.progresshub.domain.JobSnapshot;

/**
 * A snapshot and its JSON, rendered on its first use and then kept. A commit hands it to the cache and the streams
 * unrendered, so the group committer, which every ingest request waits on, does not render it, and a job that
 * nobody reads before its next change is never rendered. Two first uses at once may both render it: they get
 * the same text.
 */
public final class SnapshotJson {

    private final JobSnapshot snapshot;
    private final JsonText json;
    private volatile String text;

    private SnapshotJson(JobSnapshot snapshot, JsonText json) {
        this.snapshot = snapshot;
        this.json = json;
    }

    /** To be rendered with {@code json} when first used; the snapshot is immutable, so it may be rendered late. */
    public static SnapshotJson of(JobSnapshot snapshot, JsonText json) {
        return new SnapshotJson(snapshot, json);
    }

    public JobSnapshot snapshot() {
        return snapshot;
    }

    public String text() {
        String rendered = text;
        if (rendered == null) {
            rendered = json.of(snapshot);
            text = rendered;
        }
        return rendered;
    }
}
