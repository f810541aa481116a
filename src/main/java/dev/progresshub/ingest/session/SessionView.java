package dev.progresshub.ingest.session;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.progresshub.domain.JobSnapshot;

/**
 * A session as the seed-001 frontend reads it, in stream messages and from the status endpoint:
 * {@code type} progress|complete|error, {@code step} of {@code totalSteps}, {@code percentage},
 * {@code message}, {@code details}, {@code status}; plus the job's {@code requestedState}.
 */
@RegisterForReflection
public record SessionView(String sessionId, String operation, String type, long step, Long totalSteps,
        double percentage, String message, String details, String status, String requestedState) {

    /** The label that marks a job as a seed-001 session, for its retention policy. */
    public static final String LABEL_KEY = "source";
    public static final String LABEL_VALUE = "session";

    static SessionView of(JobSnapshot job, String type) {
        JobSnapshot.Progress progress = job.progress();
        double percentage = "complete".equals(type) ? 100.0
                : progress.percent() == null ? 0.0 : progress.percent();
        return new SessionView(job.id(), job.operation(), type, progress.current(), progress.total(), percentage,
                progress.message(), progress.details(), status(job.status()), job.requestedState());
    }

    /** The message type a job's state calls for, when no single event decides it. */
    static String typeOf(JobSnapshot job) {
        return switch (job.status()) {
            case "completed" -> "complete";
            case "failed", "cancelled" -> "error";
            default -> "progress";
        };
    }

    /** The seed's status words: "starting" before the first update, "error" for a failure. */
    private static String status(String jobStatus) {
        return switch (jobStatus) {
            case "pending" -> "starting";
            case "failed" -> "error";
            default -> jobStatus;
        };
    }
}
