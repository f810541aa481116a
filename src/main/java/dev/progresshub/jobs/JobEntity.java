package dev.progresshub.jobs;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import org.hibernate.annotations.ColumnTransformer;

/**
 * A job row: the whole domain state as JSON, plus the columns that list queries, the stall detector and
 * retention filter on. The row lock on it serializes every writer of one job.
 */
@Entity
@Table(name = "job")
@IdClass(JobEntityId.class)
public class JobEntity {

    @Id
    public String project;

    @Id
    public String id;

    @Column(nullable = false)
    public String status;

    public String operation;

    @Column(columnDefinition = "jsonb", nullable = false)
    @ColumnTransformer(write = "?::jsonb")
    public String labels;

    /** Plain json, not jsonb: written whole on every change, read back whole, never queried into. */
    @Column(columnDefinition = "json", nullable = false)
    @ColumnTransformer(write = "?::json")
    public String state;

    @Column(nullable = false)
    public long version;

    @Column(name = "last_event_id", nullable = false)
    public long lastEventId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    /** When the job counts as stalled if nothing arrives before; null for finished jobs. */
    @Column(name = "stall_at")
    public Instant stallAt;

    /** Timeline events up to this id may have been pruned by retention: replay before it needs a reset. */
    @Column(name = "pruned_through", nullable = false)
    public long prunedThrough;

    public JobKey key() {
        return new JobKey(project, id);
    }
}
