package dev.progresshub.auth;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A stored API token: only its SHA-256 is kept. Scopes are a comma-separated list of wire names. */
@Entity
@Table(name = "api_token")
public class ApiToken {

    @Id
    public String id;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String project;

    @Column(nullable = false)
    public String scopes;

    @Column(name = "token_hash", nullable = false, unique = true)
    public String tokenHash;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    /** Set for a share link: the one job (of {@link #project}) it may read. */
    @Column(name = "job_id")
    public String jobId;
}
