package dev.progresshub.read;

import java.util.List;

import dev.progresshub.domain.JobSnapshot;

/** A page of the job list; {@code nextCursor} is null on the last page. */
public record JobPage(List<JobSnapshot> items, String nextCursor) {
}
