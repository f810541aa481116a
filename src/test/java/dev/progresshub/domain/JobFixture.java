package dev.progresshub.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One job on a hand-driven clock: tests advance time explicitly, so rates and stalls are exact. */
final class JobFixture {
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    static final long HEARTBEAT_SECONDS = 60;

    final JobState job;
    /** What the last apply warned about. */
    final List<Warning> warnings = new ArrayList<>();
    DomainLimits limits = DomainLimits.DEFAULTS;
    Instant now = T0;

    private JobFixture(Long total, List<StageSpec> stages) {
        job = JobState.create("default", "artists-2026-11-23", "Scrape artists", "scrape", total, stages,
                Map.of("team", "data"), HEARTBEAT_SECONDS, T0, DomainLimits.DEFAULTS);
    }

    static JobFixture job() {
        return new JobFixture(null, List.of());
    }

    static JobFixture jobWithTotal(long total) {
        return new JobFixture(total, List.of());
    }

    static JobFixture jobWithStages(StageSpec... stages) {
        return new JobFixture(null, List.of(stages));
    }

    static Event.Builder event(EventType type) {
        return Event.builder(type);
    }

    Applied apply(Event.Builder event) {
        warnings.clear();
        return job.apply(event.build(), now, limits, warnings::add);
    }

    Applied apply(EventType type) {
        return apply(event(type));
    }

    JobFixture advance(long seconds) {
        now = now.plusSeconds(seconds);
        return this;
    }

    JobSnapshot snapshot() {
        return job.snapshot();
    }

    JobSnapshot.Progress progress() {
        return snapshot().progress();
    }

    JobSnapshot.StageView stage(String name) {
        return snapshot().stages().stream()
                .filter(stage -> stage.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no stage " + name + " in " + snapshot().stages()));
    }

    String status() {
        return snapshot().status();
    }
}
