package dev.progresshub.jobs;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The domain's types Jackson reads or writes by reflection, which Quarkus cannot discover in a native image:
 * the stored job state and the snapshots go through an ObjectMapper by hand. The domain stays free of
 * framework annotations, so its types (package-private state classes too) are named here, by the package
 * that stores them. Other packages' wire records (ingest bodies and answers, cluster messages, problem
 * bodies) carry {@code @RegisterForReflection} themselves, so no package names another's types.
 */
@RegisterForReflection(
        targets = {
                dev.progresshub.domain.JobSnapshot.class,
                dev.progresshub.domain.JobSnapshot.Progress.class,
                dev.progresshub.domain.JobSnapshot.StageView.class,
                dev.progresshub.domain.JobSnapshot.ErrorsView.class,
                dev.progresshub.domain.JobSnapshot.ErrorEntry.class,
                dev.progresshub.domain.JobState.class,
                dev.progresshub.domain.JobStatus.class,
                dev.progresshub.domain.StageStatus.class,
                dev.progresshub.domain.RequestedState.class,
                dev.progresshub.domain.Warning.class,
        },
        classNames = {
                "dev.progresshub.domain.ProgressState",
                "dev.progresshub.domain.StageState",
                "dev.progresshub.domain.ErrorLedger",
                "dev.progresshub.domain.ErrorLedger$Entry",
                "dev.progresshub.domain.RateWindow",
                "dev.progresshub.domain.RateWindow$Sample",
                "dev.progresshub.domain.WorkerSequences",
                "dev.progresshub.domain.SeqLedger",
                "dev.progresshub.domain.SeqLedger$Range",
        })
final class NativeReflection {

    private NativeReflection() {
    }
}
