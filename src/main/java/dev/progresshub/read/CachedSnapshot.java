package dev.progresshub.read;

import dev.progresshub.domain.JobSnapshot;
import dev.progresshub.jobs.JobChanged;
import dev.progresshub.jobs.SnapshotJson;

/**
 * A job's snapshot ready to serve: its JSON (rendered by its first reader) and its ETag, derived from the
 * version (and the creation time, so a deleted and re-created job never matches an old tag).
 */
public record CachedSnapshot(long version, SnapshotJson snapshotJson, String etag) {

    static CachedSnapshot of(JobChanged change) {
        return new CachedSnapshot(change.version(), change.snapshotJson(),
                "\"" + change.snapshot().createdAt().toEpochMilli() + "-" + change.version() + "\"");
    }

    public JobSnapshot snapshot() {
        return snapshotJson.snapshot();
    }

    /** The snapshot's JSON, rendered by the first reader that needs it. */
    public String json() {
        return snapshotJson.text();
    }

    /**
     * Whether an If-None-Match header names this tag (weak comparison, as RFC 9110 asks for GET). A tag sent
     * without its quotes, as some hand-written clients do, names it too.
     */
    public static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        String opaque = unquoted(etag);
        for (String tag : ifNoneMatch.split(",")) {
            String candidate = tag.strip();
            if (candidate.equals("*") || unquoted(candidate.startsWith("W/") ? candidate.substring(2) : candidate)
                    .equals(opaque)) {
                return true;
            }
        }
        return false;
    }

    private static String unquoted(String tag) {
        return tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"") ? tag.substring(1, tag.length() - 1)
                : tag;
    }
}
