package dev.progresshub.read;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.progresshub.auth.Caller;
import dev.progresshub.auth.CurrentCaller;
import dev.progresshub.auth.RequiresScope;
import dev.progresshub.auth.Scope;
import dev.progresshub.domain.JobStatus;
import dev.progresshub.errors.ProblemException;
import dev.progresshub.ingest.IngestService;
import dev.progresshub.jobs.JobFilter;
import dev.progresshub.jobs.JobKey;
import dev.progresshub.jobs.StoredEvent;

@Path("/api/jobs")
@RequiresScope(Scope.READ)
public class JobReadResource {

    static final String NDJSON = "application/x-ndjson";
    static final String CSV = "text/csv";
    private static final int RECENT_EVENTS = 20;
    private static final int MAX_PAGE = 500;

    private final JobQueryService queries;
    private final CurrentCaller caller;

    JobReadResource(JobQueryService queries, CurrentCaller caller) {
        this.queries = queries;
        this.caller = caller;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public JobPage list(@QueryParam("project") String project, @QueryParam("status") String status,
            @QueryParam("operation") String operation, @QueryParam("label") String label,
            @QueryParam("updatedSince") String updatedSince, @QueryParam("limit") @DefaultValue("50") String limit,
            @QueryParam("cursor") String cursor) {
        return queries.list(filter(caller.get(), project, null, status, operation, label, updatedSince),
                pageSize(limit), cursor);
    }

    /** The 2-second poll path: answered from memory; 304 when the client's ETag is still current. */
    @GET
    @Path("/{id}")
    @RequiresScope(value = Scope.READ, shareLinks = true)
    @Produces(MediaType.APPLICATION_JSON)
    public Response get(@PathParam("id") String id, @QueryParam("project") String project,
            @QueryParam("include") String include, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        JobKey key = key(project, id);
        CachedSnapshot snapshot = queries.snapshot(key);
        boolean withEvents = "recentEvents".equals(include);
        String etag = withEvents ? snapshot.etag().replace("\"", "\"e") : snapshot.etag();
        if (CachedSnapshot.matches(ifNoneMatch, etag)) {
            return Response.notModified().header(HttpHeaders.ETAG, etag).build();
        }
        String body = withEvents ? withRecentEvents(snapshot.json(), queries.recentEvents(key, RECENT_EVENTS))
                : snapshot.json();
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.ETAG, etag)
                .header(HttpHeaders.CACHE_CONTROL, "no-cache")
                .build();
    }

    @GET
    @Path("/{id}/events")
    @RequiresScope(value = Scope.READ, shareLinks = true)
    @Produces(MediaType.APPLICATION_JSON)
    public Response events(@PathParam("id") String id, @QueryParam("project") String project,
            @QueryParam("after") @DefaultValue("0") String after, @QueryParam("type") String type,
            @QueryParam("stage") String stage, @QueryParam("limit") @DefaultValue("100") String limit) {
        JobKey key = key(project, id);
        int size = pageSize(limit);
        List<StoredEvent> page = queries.events(key, number("after", after), type, stage, size);
        Long nextAfter = page.size() == size ? page.getLast().id() : null;
        String items = page.stream().map(StoredEvent::json).collect(Collectors.joining(",", "[", "]"));
        return Response.ok("{\"items\":" + items + ",\"nextAfter\":" + nextAfter + "}", MediaType.APPLICATION_JSON)
                .build();
    }

    private JobKey key(String project, String id) {
        IngestService.validateJobId(id);
        return new JobKey(caller.get().projectFor(project), id);
    }

    private static String withRecentEvents(String snapshotJson, List<StoredEvent> recent) {
        String events = recent.stream().map(StoredEvent::json).collect(Collectors.joining(",", "[", "]"));
        return snapshotJson.substring(0, snapshotJson.length() - 1) + ",\"recentEvents\":" + events + "}";
    }

    /** Query numbers are read here, not by JAX-RS: its conversion failure would answer 404, not 400. */
    private static int pageSize(String limit) {
        long size = number("limit", limit);
        if (size < 1 || size > MAX_PAGE) {
            throw ProblemException.invalid("limit", "between 1 and " + MAX_PAGE);
        }
        return (int) size;
    }

    private static long number(String name, String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw ProblemException.invalid(name, "a whole number");
        }
    }

    /** Builds the filter a caller may use: a project token never sees beyond its own project. */
    public static JobFilter filter(Caller caller, String project, String jobs, String status, String operation,
            String label, String updatedSince) {
        String scopeProject = caller.isAdmin() && (project == null || project.isBlank()) ? null
                : caller.projectFor(project);
        String labelKey = null;
        String labelValue = null;
        if (label != null) {
            int colon = label.indexOf(':');
            if (colon < 1) {
                throw ProblemException.invalid("label", "use key:value");
            }
            labelKey = label.substring(0, colon);
            labelValue = label.substring(colon + 1);
        }
        return new JobFilter(scopeProject, csv(jobs), statuses(status), blankToNull(operation), labelKey, labelValue,
                instant(updatedSince));
    }

    private static Set<String> statuses(String status) {
        Set<String> statuses = csv(status);
        statuses.forEach(JobStatus::fromWire);
        return statuses;
    }

    private static Set<String> csv(String value) {
        if (value == null || value.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static Instant instant(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid("updatedSince", "an ISO-8601 instant such as 2026-11-23T10:15:30Z");
        }
    }
}
