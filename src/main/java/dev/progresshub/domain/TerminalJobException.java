package dev.progresshub.domain;

/** A completed, failed or cancelled job was asked to change (HTTP 409). */
public class TerminalJobException extends DomainException {

    private final String jobId;
    private final JobStatus status;

    public TerminalJobException(String jobId, JobStatus status) {
        super("job '" + jobId + "' is " + status.wire() + "; it accepts no more events");
        this.jobId = jobId;
        this.status = status;
    }

    public String jobId() {
        return jobId;
    }

    public JobStatus status() {
        return status;
    }
}
