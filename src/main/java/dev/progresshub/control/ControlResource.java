package dev.progresshub.control;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.progresshub.auth.CurrentCaller;
import dev.progresshub.auth.RequiresScope;
import dev.progresshub.auth.Scope;
import dev.progresshub.domain.ControlAction;
import dev.progresshub.domain.JobSnapshot;
import dev.progresshub.ingest.IngestService;
import dev.progresshub.jobs.JobKey;

@Path("/api/jobs")
@RequiresScope(Scope.CONTROL)
@Produces(MediaType.APPLICATION_JSON)
public class ControlResource {

    private final ControlService control;
    private final CurrentCaller caller;

    ControlResource(ControlService control, CurrentCaller caller) {
        this.control = control;
        this.caller = caller;
    }

    @POST
    @Path("/{id}/pause")
    public JobSnapshot pause(@PathParam("id") String id, @QueryParam("project") String project) {
        return control.request(key(project, id), ControlAction.PAUSE);
    }

    @POST
    @Path("/{id}/resume")
    public JobSnapshot resume(@PathParam("id") String id, @QueryParam("project") String project) {
        return control.request(key(project, id), ControlAction.RESUME);
    }

    @POST
    @Path("/{id}/cancel")
    public JobSnapshot cancel(@PathParam("id") String id, @QueryParam("project") String project) {
        return control.request(key(project, id), ControlAction.CANCEL);
    }

    @DELETE
    @Path("/{id}")
    public void delete(@PathParam("id") String id, @QueryParam("project") String project) {
        control.delete(key(project, id));
    }

    private JobKey key(String project, String id) {
        IngestService.validateJobId(id);
        return new JobKey(caller.get().projectFor(project), id);
    }
}
