package dev.progresshub.jobs;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;

@ApplicationScoped
public class JobEventRepository implements PanacheRepositoryBase<JobEventEntity, Long> {

    /** Events of one job after an id, oldest first, optionally narrowed by type and stage. */
    public List<JobEventEntity> timeline(JobKey key, long afterId, String type, String stage, int limit) {
        StringBuilder query = new StringBuilder("project = :project and jobId = :job and id > :after");
        Parameters params = Parameters
                .with("project", key.project()).and("job", key.id()).and("after", afterId);
        if (type != null) {
            query.append(" and type = :type");
            params = params.and("type", type);
        }
        if (stage != null) {
            query.append(" and stage = :stage");
            params = params.and("stage", stage);
        }
        return find(query + " order by id", params).page(0, limit).list();
    }

    /** The newest events of a job, returned oldest first. */
    public List<JobEventEntity> newest(JobKey key, int limit) {
        List<JobEventEntity> newestFirst = find("project = ?1 and jobId = ?2 order by id desc", key.project(), key.id())
                .page(0, limit).list();
        return newestFirst.reversed();
    }

    /** Events after an id across jobs, optionally of one project and some jobs (global stream replay). */
    public List<JobEventEntity> after(String project, Set<String> jobIds, long afterId, int limit) {
        StringBuilder query = new StringBuilder("id > :after");
        Parameters params = Parameters.with("after", afterId);
        if (project != null) {
            query.append(" and project = :project");
            params = params.and("project", project);
        }
        if (!jobIds.isEmpty()) {
            query.append(" and jobId in :jobs");
            params = params.and("jobs", jobIds);
        }
        return find(query + " order by id", params).page(0, limit).list();
    }

    /** Deletes a job's events of these types up to an id; the number deleted. */
    public int deleteOfTypes(JobKey key, List<String> types, long throughId) {
        return getEntityManager().createNativeQuery("""
                delete from job_event
                where project = ?1 and job_id = ?2 and type in (?3) and id <= ?4""")
                .setParameter(1, key.project())
                .setParameter(2, key.id())
                .setParameter(3, types)
                .setParameter(4, throughId)
                .executeUpdate();
    }

    public long newestId() {
        Long newest = getEntityManager().createQuery("select max(e.id) from JobEventEntity e", Long.class)
                .getSingleResult();
        return newest == null ? 0 : newest;
    }
}
