package dev.progresshub.jobs;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.ColumnTransformer;

/** One timeline event. {@code body} is the event's JSON exactly as readers get it, id included. */
@Entity
@Table(name = "job_event")
public class JobEventEntity {

    /** Taken from job_event_id_seq while the job row is locked, so ids grow in commit order per job. */
    @Id
    public long id;

    @Column(nullable = false)
    public String project;

    @Column(name = "job_id", nullable = false)
    public String jobId;

    @Column(nullable = false)
    public String type;

    public String stage;

    @Column(nullable = false)
    public Instant at;

    /** Plain json, not jsonb: kept byte for byte as written, and never queried into. */
    @Column(columnDefinition = "json", nullable = false)
    @ColumnTransformer(write = "?::json")
    public String body;
}
