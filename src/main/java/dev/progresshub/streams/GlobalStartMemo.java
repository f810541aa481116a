package dev.progresshub.streams;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.interceptor.Interceptor;

import dev.progresshub.cluster.ClusterResync;
import dev.progresshub.jobs.JobChanged;
import dev.progresshub.jobs.JobFilter;

/**
 * The first messages of a new global stream (no replay asked), kept per filter until a job of its project
 * changes: a thousand dashboards opening a project's stream at once cost one database read and one
 * rendering, not one each.
 *
 * <p>A memo is taken only when no change of its project was announced since it was read. Announcements
 * are counted before the stream hub hands the change out (earlier observer priority), and a stream joins
 * the hub before it takes its start, so a change a memo lacks is always delivered to the stream live.
 */
@ApplicationScoped
class GlobalStartMemo {

    /** Filters remembered at most; beyond it the memo starts over (each entry is one project's first page). */
    private static final int MAX_FILTERS = 256;
    /** Change counters, one per stripe of projects: a collision only costs a needless re-read. */
    private static final int STRIPES = 64;

    private final ConcurrentHashMap<JobFilter, Memo> memos = new ConcurrentHashMap<>();
    private final AtomicLongArray projectChanges = new AtomicLongArray(STRIPES + 1);

    /** A start read (or being read, by the first stream that missed) when the project had seen so many changes. */
    private record Memo(long changesSeen, CompletableFuture<StreamStart> start) {

        /** Of the project as it is now, and not a failed read (one still being read is usable: it is awaited). */
        boolean usableAt(long changesNow) {
            return changesSeen == changesNow && !start.isCompletedExceptionally();
        }
    }

    /** The memo of the filter while it is current and read; non-blocking (for {@link StreamRoutes}). */
    Optional<StreamStart> current(JobFilter filter) {
        Memo memo = memos.get(filter);
        return memo != null && memo.usableAt(changesSeen(filter)) && memo.start().isDone()
                ? Optional.of(memo.start().join()) : Optional.empty();
    }

    /**
     * The current memo, else what read gives (the database), remembered for the next streams. Streams that
     * miss at once wait for the first one's read instead of each reading the same page (a thousand dashboards
     * reconnecting after a deploy).
     */
    StreamStart start(JobFilter filter, Supplier<StreamStart> read) {
        long changesSeen = changesSeen(filter);
        Memo mine = new Memo(changesSeen, new CompletableFuture<>());
        if (memos.size() >= MAX_FILTERS) {
            memos.clear();
        }
        Memo memo = memos.compute(filter, (f, old) -> old != null && old.usableAt(changesSeen) ? old : mine);
        if (memo != mine) {
            return awaitRead(memo);
        }
        try {
            StreamStart start = read.get();
            mine.start().complete(start);
            return start;
        } catch (RuntimeException e) {
            memos.remove(filter, mine);
            mine.start().completeExceptionally(e);
            throw e;
        }
    }

    private static StreamStart awaitRead(Memo memo) {
        try {
            return memo.start().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException failed ? failed : e; // the reader's own answer (e.g. 503)
        }
    }

    void onChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) @Priority(Interceptor.Priority.APPLICATION + 800)
            JobChanged change) {
        projectChanges.incrementAndGet(stripe(change.key().project()));
        projectChanges.incrementAndGet(STRIPES); // every project: what an admin's all-projects stream watches
    }

    /** Changes of other instances may have been missed: no memo read before is trusted. */
    void onResync(@Observes ClusterResync resync) {
        for (int i = 0; i <= STRIPES; i++) {
            projectChanges.incrementAndGet(i);
        }
    }

    private long changesSeen(JobFilter filter) {
        return projectChanges.get(filter.project() == null ? STRIPES : stripe(filter.project()));
    }

    private static int stripe(String project) {
        return Math.floorMod(project.hashCode(), STRIPES);
    }
}
