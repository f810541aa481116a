package dev.progresshub.cluster;

/** Announced after a lost cluster connection: anything cached may have missed changes. */
public record ClusterResync() {
}
