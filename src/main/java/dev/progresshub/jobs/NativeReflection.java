package dev.progresshub.jobs;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Types Jackson reads or writes by reflection that Quarkus cannot discover in a native image: REST method
 * signatures are registered automatically, but not what goes through an ObjectMapper by hand (the stored
 * job state, snapshots, cluster messages, ingest bodies and answers, problem bodies). The domain stays free
 * of framework annotations, so its package-private state classes are named here.
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
                dev.progresshub.cluster.ClusterMessage.class,
                dev.progresshub.cluster.ClusterMessage.Kind.class,
                dev.progresshub.ingest.CreateJobRequest.class,
                dev.progresshub.ingest.CreateJobRequest.StageRequest.class,
                dev.progresshub.ingest.EventInput.class,
                dev.progresshub.ingest.IngestReceipt.class,
                dev.progresshub.ingest.IngestReceipt.JobBrief.class,
                dev.progresshub.errors.Problem.class,
                dev.progresshub.errors.Problem.FieldProblem.class,
                dev.progresshub.ingest.crawler.CrawlerProgress.class,
                dev.progresshub.ingest.crawler.CrawlerProgress.TimelineEntry.class,
                dev.progresshub.ingest.session.SessionView.class,
                dev.progresshub.ingest.log.LogTally.class,
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
                "dev.progresshub.ingest.session.SessionRequests$Create",
                "dev.progresshub.ingest.session.SessionRequests$Update",
                "dev.progresshub.ingest.session.SessionRequests$End",
        })
final class NativeReflection {

    private NativeReflection() {
    }
}
