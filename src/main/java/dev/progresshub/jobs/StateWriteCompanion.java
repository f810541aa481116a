package dev.progresshub.jobs;

/**
 * Has a statement of its own for a commit's state write to send along (the cluster's notifications of the
 * changes): {@link JobStore#commit} asks each companion once it has fired the commit's {@link JobChanged}
 * events, so what they caused goes in the same round trip as the states.
 */
public interface StateWriteCompanion {

    /** What to send along now, or null for nothing. */
    Alongside alongside();
}
