package dev.progresshub.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every error a job reported: a total, a count per class and the most recent ones (newest last). */
class ErrorLedger {
    static final int MAX_RECENT = 20;
    /** Where the classes past the job's bound are counted. */
    static final String OTHER = "other";

    long count;
    Map<String, Long> byClass = new LinkedHashMap<>();
    List<Entry> recent = new ArrayList<>();

    ErrorLedger() {
    }

    void record(String errorClass, String item, String error, Instant at, int maxClasses) {
        count++;
        String counted = byClass.containsKey(errorClass) || byClass.size() < maxClasses ? errorClass : OTHER;
        byClass.merge(counted, 1L, Long::sum);
        recent.add(new Entry(item, error, at));
        if (recent.size() > MAX_RECENT) {
            recent.remove(0);
        }
    }

    JobSnapshot.ErrorsView view() {
        List<JobSnapshot.ErrorEntry> entries = recent.stream()
                .map(entry -> new JobSnapshot.ErrorEntry(entry.item, entry.error, entry.at))
                .toList();
        return new JobSnapshot.ErrorsView(count, Snapshots.copy(byClass), entries);
    }

    /** One remembered error. */
    static class Entry {
        String item;
        String error;
        Instant at;

        Entry() {
        }

        Entry(String item, String error, Instant at) {
            this.item = item;
            this.error = error;
            this.at = at;
        }
    }
}
