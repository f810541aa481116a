package dev.progresshub.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.progresshub.auth.TokenRevoked;
import dev.progresshub.auth.TokenService;
import dev.progresshub.jobs.JobChanged;
import dev.progresshub.jobs.JobEventEntity;
import dev.progresshub.jobs.JobEventRepository;
import dev.progresshub.jobs.JobKey;
import dev.progresshub.jobs.JobLoader;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Receives other instances' changes over one LISTEN connection and replays them locally as
 * {@link JobChanged}, so this instance's cache and streams see every commit. After a lost connection it
 * catches up from the timeline and drops its caches, since notifications sent meanwhile are gone.
 */
@ApplicationScoped
public class ClusterListener {

    private static final Logger LOG = Logger.getLogger(ClusterListener.class);
    private static final int POLL_MILLIS = 250;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final int CATCH_UP_LIMIT = 10_000;

    private final AgroalDataSource dataSource;
    private final ClusterNotifier notifier;
    private final JobLoader loader;
    private final JobEventRepository events;
    private final TokenService tokens;
    private final Event<JobChanged> changes;
    private final Event<ClusterResync> resyncs;
    private final Event<TokenRevoked> revocations;
    private final ObjectMapper mapper;
    private final AtomicLong lastSeenEventId = new AtomicLong();
    private volatile boolean running;
    private volatile boolean connected;
    private Instant deafSince = Instant.now();
    private Thread thread;

    ClusterListener(AgroalDataSource dataSource, ClusterNotifier notifier, JobLoader loader,
            JobEventRepository events, TokenService tokens, Event<JobChanged> changes,
            Event<ClusterResync> resyncs, Event<TokenRevoked> revocations, ObjectMapper mapper) {
        this.dataSource = dataSource;
        this.notifier = notifier;
        this.loader = loader;
        this.events = events;
        this.tokens = tokens;
        this.changes = changes;
        this.resyncs = resyncs;
        this.revocations = revocations;
        this.mapper = mapper;
    }

    void start(@Observes StartupEvent startup) {
        running = true;
        thread = Thread.ofPlatform().daemon().name("progress-hub-cluster-listener").start(this::run);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Whether this instance currently hears the others (readiness reports it). */
    public boolean connected() {
        return connected;
    }

    /**
     * Tracks the newest committed event this instance knows of, the catch-up starting point: only once the
     * change committed, so a reconnect never starts past an event that was rolled back or not yet visible.
     */
    void track(@Observes(during = TransactionPhase.AFTER_SUCCESS) JobChanged change) {
        change.events().forEach(e -> lastSeenEventId.accumulateAndGet(e.id(), Math::max));
    }

    private void run() {
        Duration backoff = Duration.ofMillis(100);
        boolean firstConnection = true;
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                try {
                    listen(connection);
                    connected = true;
                    backoff = Duration.ofMillis(100);
                    if (!firstConnection) {
                        catchUp();
                    }
                    firstConnection = false;
                    receive(connection.unwrap(PGConnection.class));
                } finally {
                    unlisten(connection);
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    LOG.warnf("cluster listener lost the database (%s); retrying in %d ms", e.getMessage(),
                            backoff.toMillis());
                }
            } finally {
                if (connected) {
                    deafSince = Instant.now();
                }
                connected = false;
            }
            sleep(backoff);
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private static void listen(Connection connection) throws SQLException {
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
            statement.execute("LISTEN " + ClusterNotifier.CHANNEL);
        }
    }

    /**
     * Hands the connection back to the pool clean. Notifications are read from the unwrapped driver connection,
     * so the pool never saw it fail: this statement goes through the pool's wrapper, which discards a dead
     * connection instead of lending it to the next transaction, and a live one stops listening.
     */
    private static void unlisten(Connection connection) {
        try (Statement statement = connection.createStatement()) {
            statement.execute("UNLISTEN *");
        } catch (SQLException gone) {
            LOG.debugf("listen connection not reusable (%s); the pool discards it", gone.getMessage());
        }
    }

    private void receive(PGConnection connection) throws SQLException {
        while (running) {
            PGNotification[] notifications = connection.getNotifications(POLL_MILLIS);
            if (notifications != null && notifications.length > 0) {
                apply(notifications);
            }
        }
    }

    /** Coalesces a burst: one database read per changed job, however many commits it saw. */
    private void apply(PGNotification[] notifications) {
        Map<JobKey, long[]> jobRanges = new LinkedHashMap<>();
        for (PGNotification notification : notifications) {
            ClusterMessage message = parse(notification.getParameter());
            if (message == null) {
                continue;
            }
            if (message.kind() == ClusterMessage.Kind.TOKEN_REVOKED) {
                // our own too: a lookup racing the revoking transaction may have cached the token again
                revocations.fire(new TokenRevoked(message.tokenId()));
            } else if (!notifier.instanceId().equals(message.origin())) {
                collect(message, jobRanges);
            }
        }
        jobRanges.forEach((key, range) -> loader.changeSince(key, range[0], range[1], CATCH_UP_LIMIT)
                .ifPresent(changes::fire));
    }

    private void collect(ClusterMessage message, Map<JobKey, long[]> jobRanges) {
        JobKey key = new JobKey(message.project(), message.job());
        if (message.kind() == ClusterMessage.Kind.JOB_DELETED) {
            jobRanges.remove(key);
            changes.fire(JobChanged.deleted(key, message.version()));
        } else {
            jobRanges.merge(key, new long[] { message.afterEventId(), message.lastEventId() },
                    (a, b) -> new long[] { Math.min(a[0], b[0]), Math.max(a[1], b[1]) });
        }
    }

    /** Notifications sent while disconnected are lost: replay the timeline since the last known event. */
    private void catchUp() {
        tokens.evictAll();
        // what revoked tokens hold open here must still end (a second's margin for clock skew between instances)
        tokens.revokedSince(deafSince.minusSeconds(1)).forEach(id -> revocations.fire(new TokenRevoked(id)));
        resyncs.fire(new ClusterResync());
        long after = lastSeenEventId.get();
        List<JobEventEntity> missed = QuarkusTransaction.requiringNew().call(() -> events.after(null, Set.of(), after, CATCH_UP_LIMIT));
        Map<JobKey, long[]> jobRanges = new LinkedHashMap<>();
        for (JobEventEntity e : missed) {
            jobRanges.merge(new JobKey(e.project, e.jobId), new long[] { after, e.id },
                    (a, b) -> new long[] { a[0], Math.max(a[1], b[1]) });
        }
        jobRanges.forEach((key, range) -> loader.changeSince(key, range[0], range[1], CATCH_UP_LIMIT)
                .ifPresent(changes::fire));
        LOG.infof("cluster listener reconnected; replayed %d missed events", missed.size());
    }

    private ClusterMessage parse(String payload) {
        try {
            return mapper.readValue(payload, ClusterMessage.class);
        } catch (Exception e) {
            LOG.warn("ignoring an unreadable cluster message");
            return null;
        }
    }

    private void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
