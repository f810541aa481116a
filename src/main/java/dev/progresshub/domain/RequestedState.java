package dev.progresshub.domain;

import java.util.Locale;

/** What a controller asked the worker to do; a job holds null when nothing is requested. */
public enum RequestedState {
    PAUSED, CANCELLED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
