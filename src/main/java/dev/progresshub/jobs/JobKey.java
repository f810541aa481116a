package dev.progresshub.jobs;

import java.io.Serializable;

/** A job is identified by its project and its id within it. */
public record JobKey(String project, String id) implements Serializable {

    @Override
    public String toString() {
        return project + "/" + id;
    }
}
