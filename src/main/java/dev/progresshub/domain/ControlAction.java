package dev.progresshub.domain;

/** What an operator can ask of a running job through {@link JobState#requestControl}. */
public enum ControlAction {
    PAUSE, RESUME, CANCEL
}
