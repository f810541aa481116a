package dev.progresshub.read;

import dev.progresshub.domain.JobSnapshot;
import dev.progresshub.jobs.JobChanged;

/**
 * A job's snapshot ready to serve: its JSON and its ETag, derived from the version (and the creation
 * time, so a deleted and re-created job never matches an old tag).
 */
public record CachedSnapshot(long version, JobSnapshot snapshot, String json, String etag) {

    static CachedSnapshot of(JobChanged change) {
        return new CachedSnapshot(change.version(), change.snapshot(), change.snapshotJson(),
                "\"" + change.snapshot().createdAt().toEpochMilli() + "-" + change.version() + "\"");
    }

    /** Whether an If-None-Match header names this tag (weak comparison, as RFC 9110 asks for GET). */
    public static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String candidate = tag.strip();
            if (candidate.equals("*") || candidate.equals(etag) || candidate.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }
}
