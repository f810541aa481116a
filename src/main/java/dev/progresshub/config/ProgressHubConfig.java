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

    Limits limits();

    Streams streams();

    Cache cache();

    Retention retention();

    interface Ingest {
        /**
         * Group committers working side by side, each with its own connection; a job always goes to the same one,
         * so a hot job still gets whole groups. One by default: every commit sends a NOTIFY, and PostgreSQL
         * serializes the commits of NOTIFYing transactions, so more lanes mostly make smaller groups (measured
         * in bench/README.md).
         */
        @WithDefault("1")
        int committers();

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

    interface Streams {
        /** Interval of SSE heartbeat comments, keeping proxies from closing idle streams. */
        @WithDefault("15s")
        Duration heartbeatInterval();

        /** The {@code retry:} hint sent to clients: how long EventSource waits before reconnecting. */
        @WithDefault("3s")
        Duration retry();

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

    /**
     * The bounds of CONTRACT section 8: nothing one caller sends can exhaust the service. Exceeding one is
     * a problem answer that names the limit and stores nothing of that request.
     */
    interface Limits {
        /** Sustained requests per second allowed per token, per instance (429 + Retry-After beyond). */
        @WithDefault("200")
        double requestsPerSecond();

        /** Requests a token may spend at once before the sustained rate applies. */
        @WithDefault("1000")
        int burst();

        /** Failed authentications per second per client address, refused before any database work. */
        @WithDefault("20")
        double failedAuthPerSecond();

        /** Open streams per token (429 beyond). */
        @WithDefault("200")
        int streamsPerToken();

        /** Open streams per instance (503 + Retry-After beyond). */
        @WithDefault("20000")
        int streamsPerInstance();

        /** Messages queued for a stream client that stops reading; beyond, it gets a reset + snapshot. */
        @WithDefault("256")
        int streamQueue();

        /** Events per request, per log batch and per crawler {@code timeline[]}. */
        @WithDefault("1000")
        int eventsPerRequest();

        /** Largest JSON body accepted on ingest endpoints, in bytes (1 MiB); /log streams line by line. */
        @WithDefault("1048576")
        int bodyBytes();

        /** Largest JSON of any one event, in bytes. */
        @WithDefault("65536")
        int eventBytes();

        /** Largest free-form {@code data} of one event, in bytes of its JSON. */
        @WithDefault("8192")
        int dataBytes();

        /** Largest {@code resumeState} of a checkpoint, in bytes of its JSON. */
        @WithDefault("65536")
        int resumeStateBytes();

        /** Stages one job may have. */
        @WithDefault("200")
        int stagesPerJob();

        /** Distinct {@code itemsByType} keys one job may have. */
        @WithDefault("200")
        int itemTypesPerJob();

        /** Distinct error classes counted per job; later ones are counted under {@code other}. */
        @WithDefault("100")
        int errorClassesPerJob();

        /** Workers whose {@code seq} ledger a job keeps; the oldest idle one is forgotten beyond. */
        @WithDefault("1000")
        int workersPerJob();

        /** Longest job {@code name}, in characters. */
        @WithDefault("512")
        int nameChars();

        /** Longest {@code operation}, in characters. */
        @WithDefault("128")
        int operationChars();

        /** Longest stage name, in characters. */
        @WithDefault("256")
        int stageNameChars();

        /** Labels one job may carry. */
        @WithDefault("32")
        int labelsPerJob();

        /** A log upload that sends no byte for this long is ended; the lines so far are kept. */
        @WithDefault("10m")
        Duration logIdleTimeout();

        /** Log lines an upload may send per rate-limit unit it spends. */
        @WithDefault("100")
        int logLinesPerRequestUnit();

        /** Ingest requests waiting for a commit; beyond, 503 + Retry-After. */
        @WithDefault("10000")
        int ingestQueue();
    }
}
