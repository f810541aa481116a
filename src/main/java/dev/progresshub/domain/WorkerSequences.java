package dev.progresshub.domain;

import java.util.LinkedHashMap;
import java.util.Map;

/** Which (worker, seq) pairs a job has applied, per worker; events without both are never tracked. */
class WorkerSequences {
    Map<String, SeqLedger> byWorker = new LinkedHashMap<>();

    WorkerSequences() {
    }

    boolean alreadySeen(String worker, Long seq) {
        return tracked(worker, seq) && byWorker.containsKey(worker) && byWorker.get(worker).contains(seq);
    }

    /** Lower than the highest seq already applied from the same worker: it happened before what we show. */
    boolean isLate(String worker, Long seq) {
        return tracked(worker, seq) && byWorker.containsKey(worker) && seq < byWorker.get(worker).highest;
    }

    void record(String worker, Long seq) {
        if (tracked(worker, seq)) {
            byWorker.computeIfAbsent(worker, unused -> new SeqLedger()).add(seq);
        }
    }

    private static boolean tracked(String worker, Long seq) {
        return worker != null && seq != null;
    }
}
