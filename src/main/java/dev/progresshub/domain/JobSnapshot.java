package dev.progresshub.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The wire view of a job (CONTRACT section 2); statuses as wire strings, maps and lists are read-only copies. */
public record JobSnapshot(String id, String project, String name, String operation, String status,
                          String requestedState, Progress progress, List<StageView> stages,
                          Map<String, Long> itemsByType, ErrorsView errors, String lastProcessedId,
                          Map<String, Object> resumeState, Map<String, String> labels, Double ratePerSecond,
                          Long etaSeconds, Instant createdAt, Instant startedAt, Instant updatedAt,
                          Instant finishedAt, Instant heartbeatAt, long lastEventId, long version) {

    public record Progress(long current, Long total, long failed, Double percent, String phase, String message,
                           String details, String currentItem) {
    }

    public record StageView(String name, String status, Long total, long completed, long failed, Double percent,
                            String batchInfo, Double ratePerSecond, Long etaSeconds, Instant startedAt,
                            Instant finishedAt) {
    }

    public record ErrorsView(long count, Map<String, Long> byClass, List<ErrorEntry> recent) {
    }

    public record ErrorEntry(String item, String error, Instant at) {
    }
}
