package dev.progresshub.domain;

import java.util.Iterator;
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

    /**
     * Keeps at most {@code maxWorkers} ledgers, most recently reporting last: past the bound the worker idle
     * longest is forgotten (a retry of its old events would then count again, a trade for bounded memory).
     */
    void record(String worker, Long seq, int maxWorkers) {
        if (!tracked(worker, seq)) {
            return;
        }
        SeqLedger ledger = byWorker.remove(worker);
        if (ledger == null) {
            ledger = new SeqLedger();
        }
        ledger.add(seq);
        byWorker.put(worker, ledger);
        Iterator<String> oldest = byWorker.keySet().iterator();
        while (byWorker.size() > maxWorkers) {
            oldest.next();
            oldest.remove();
        }
    }

    private static boolean tracked(String worker, Long seq) {
        return worker != null && seq != null;
    }
}
