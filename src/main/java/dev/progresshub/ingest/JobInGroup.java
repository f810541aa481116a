package dev.progresshub.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import dev.progresshub.domain.Event;
import dev.progresshub.domain.JobState;
import dev.progresshub.jobs.JobKey;
import dev.progresshub.jobs.JobStore;
import dev.progresshub.jobs.LockedJob;

/**
 * One locked job during a group: the requests of the group that touch it are applied in arrival order. A
 * refused request is undone by starting over from the stored state and replaying the requests accepted
 * before it, so the stored state is read and decoded again only when something was refused.
 */
public final class JobInGroup {

    private final LockedJob locked;
    private final Function<JobKey, JobState> storedState;
    private final List<IngestWork> accepted = new ArrayList<>();
    private JobState state;
    private List<Event> timeline = new ArrayList<>();
    private boolean changed;
    private boolean creationAnnounced;

    JobInGroup(LockedJob locked, Function<JobKey, JobState> storedState) {
        this.locked = locked;
        this.storedState = storedState;
        this.state = locked.state();
    }

    public JobKey key() {
        return locked.key();
    }

    public JobState state() {
        return state;
    }

    /** True once, for the first request after this group created the job: it announces the creation. */
    public boolean takeCreation() {
        if (!locked.created() || creationAnnounced) {
            return false;
        }
        creationAnnounced = true;
        return true;
    }

    /** The state changed (its version moved): it is written at commit. */
    public void changed() {
        changed = true;
    }

    /** A timeline event this request produced, stored at commit. */
    public void record(Event event) {
        timeline.add(event);
        changed = true;
    }

    /** Applies one request; a refusal restores the state from before it and rethrows. */
    IngestAnswer apply(IngestWork work, Instant now) {
        try {
            IngestAnswer answer = work.apply(this, now);
            accepted.add(work);
            return answer;
        } catch (RuntimeException refused) {
            undoTo(now);
            throw refused;
        }
    }

    /** This group created the job for requests that were all refused: it must not outlive them. */
    boolean createdForNothing() {
        return locked.created() && accepted.isEmpty();
    }

    boolean hasChanges() {
        return changed;
    }

    JobStore.Change change() {
        return new JobStore.Change(new LockedJob(locked.key(), state, locked.created()),
                timeline);
    }

    private void undoTo(Instant now) {
        state = storedState.apply(locked.key());
        timeline = new ArrayList<>();
        changed = false;
        creationAnnounced = false;
        accepted.forEach(work -> work.apply(this, now));
    }
}
