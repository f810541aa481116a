package dev.progresshub.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every setting of progress-hub, under the {@code progress-hub.} prefix (env {@code PROGRESS_HUB_...}). */
@ConfigMapping(prefix = "progress-hub")
public interface ProgressHubConfig {

    /** Bootstrap admin token (env PROGRESS_HUB_ADMIN_TOKEN). Unset: only database tokens are accepted. */
    Optional<String> adminToken();

    Ingest ingest();

    RateLimit rateLimit();

    Streams streams();

    Cache cache();

    Retention retention();

    interface Ingest {
        /** Most events one request may carry. */
        @WithDefault("1000")
        int maxEventsPerRequest();

        /** Largest JSON body accepted on ingest endpoints, in bytes (1 MiB). */
        @WithDefault("1048576")
        int maxBodyBytes();

        /** Largest free-form {@code data} of one event, in bytes of its JSON. */
        @WithDefault("8192")
        int maxDataBytes();

        /** How long an Idempotency-Key answer is kept for replay. */
        @WithDefault("PT24H")
        Duration idempotencyTtl();

        /** The streaming log upload, {@code POST /api/jobs/{id}/log}. */
        Log log();

        interface Log {
            /** Longest line kept, in bytes; longer lines are dropped (and counted), never buffered whole. */
            @WithDefault("65536")
            int maxLineBytes();

            /** Parsed events applied in one transaction at most; reading pauses while a full batch is saved. */
            @WithDefault("200")
            int flushEvents();

            /** Longest wait before parsed events are applied, so readers see progress while the upload runs. */
            @WithDefault("250ms")
            Duration flushInterval();
        }
    }

    interface RateLimit {
        /** Sustained requests per second allowed per token (per instance). */
        @WithDefault("50")
        double requestsPerSecond();

        /** Burst a token may spend at once before 429s start. */
        @WithDefault("200")
        int burst();
    }

    interface Streams {
        /** Interval of SSE heartbeat comments, keeping proxies from closing idle streams. */
        @WithDefault("15s")
        Duration heartbeatInterval();

        /** The {@code retry:} hint sent to clients: how long EventSource waits before reconnecting. */
        @WithDefault("3s")
        Duration retry();

        /** Messages buffered for a slow client before its stream is closed (it resumes with Last-Event-ID). */
        @WithDefault("1024")
        int subscriberBuffer();

        /** Most timeline events replayed on reconnect; more missed than this gets a reset + snapshot. */
        @WithDefault("5000")
        int replayLimit();

        /** Jobs sent as initial snapshots on a new global stream. */
        @WithDefault("200")
        int globalSnapshotLimit();
    }

    interface Cache {
        /** Job snapshots kept in memory for the no-database-read poll path. */
        @WithDefault("20000")
        int maxJobs();

        /** How long token lookups stay cached (revocations are pushed to every instance at once). */
        @WithDefault("PT5M")
        Duration tokenTtl();
    }

    interface Retention {
        /** Item-level events (item_complete/item_fail) of finished jobs are pruned after this. */
        @WithDefault("P7D")
        Duration finishedItemEvents();

        /** Finished seed-001 progress sessions are deleted after this. */
        @WithDefault("P1D")
        Duration finishedSessions();

        /** How often the stall detector and retention run. */
        @WithDefault("30s")
        Duration sweepInterval();
    }
}
