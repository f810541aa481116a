package dev.progresshub.ops;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.progresshub.domain.JobStatus;
import dev.progresshub.jobs.JobRepository;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;

/**
 * Gauges for the alert rules of deploy/monitoring: stalled jobs and whether the database answers. Both come
 * from one count per stall sweep (a job only becomes stalled in a sweep), never from a query per scrape.
 */
@ApplicationScoped
public class JobGauges {

    private static final Logger LOG = Logger.getLogger(JobGauges.class);

    private final JobRepository jobs;
    private final AtomicLong stalled = new AtomicLong();
    private final AtomicLong databaseUp = new AtomicLong();

    JobGauges(JobRepository jobs, MeterRegistry registry) {
        this.jobs = jobs;
        Gauge.builder("progresshub.jobs.stalled", stalled, AtomicLong::get)
                .description("Jobs whose worker went silent past heartbeatSeconds (all projects), as of the last sweep")
                .register(registry);
        Gauge.builder("progresshub.database.up", databaseUp, AtomicLong::get)
                .description("1 when the last periodic count reached PostgreSQL, 0 when it failed")
                .register(registry);
    }

    @Scheduled(every = "${progress-hub.retention.sweep-interval}", concurrentExecution = ConcurrentExecution.SKIP,
            identity = "job-gauges")
    /** Counts now; the scheduler calls it once per sweep interval. */
    public void refresh() {
        try {
            stalled.set(QuarkusTransaction.requiringNew().call(() -> jobs.countWithStatus(JobStatus.STALLED.wire())));
            databaseUp.set(1);
        } catch (RuntimeException e) {
            databaseUp.set(0);
            LOG.debugf("job gauges: the database did not answer (%s)", e.getMessage());
        }
    }
}
