package dev.progresshub.jobs;

import java.io.Serializable;
import java.util.Objects;

/** The composite primary key class JPA needs for {@link JobEntity}. */
public class JobEntityId implements Serializable {

    public String project;
    public String id;

    public JobEntityId() {
    }

    public JobEntityId(String project, String id) {
        this.project = project;
        this.id = id;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof JobEntityId that && project.equals(that.project) && id.equals(that.id);
    }

    @Override
    public int hashCode() {
        return Objects.hash(project, id);
    }
}
