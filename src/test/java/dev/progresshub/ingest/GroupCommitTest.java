package dev.progresshub.ingest;

import static dev.progresshub.testsupport.Api.as;
import static dev.progresshub.testsupport.Api.send;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.HeldCommitter;
import dev.progresshub.testsupport.PostgresTestResource;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Group commit, proven on one group: the committer is held on a row this test locks, the requests pile up in
 * the queue, and the lock is released once all of them wait; they are then applied in one transaction. One
 * committer lane, so that requests to different jobs meet in the same group.
 */
@QuarkusTest
@TestProfile(GroupCommitTest.OneLane.class)
@WithTestResource(PostgresTestResource.class)
class GroupCommitTest {

    public static class OneLane implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("progress-hub.ingest.committers", "1");
        }
    }

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry registry;

    String project;
    String token;

    @BeforeEach
    void setUp() {
        project = Api.uniqueProject();
        token = Api.token(project, "ingest", "read");
    }

    @Test
    void oneGroupAnswersEachRequestOnItsOwnAndARefusalFailsNoOther() throws Exception {
        String hot = startedJob();
        String finished = Api.uniqueJob();
        send(token, finished, "[{\"type\":\"job_start\"},{\"type\":\"job_complete\"}]");
        List<String> fresh = List.of(Api.uniqueJob(), Api.uniqueJob(), Api.uniqueJob());

        List<Supplier<Response>> requests = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            requests.add(events(hot, item("w" + w, 1), null));
        }
        // applies two events, then meets the job it just finished: refused whole, undone, the others go on
        Supplier<Response> undone = events(hot, "[" + item("x", 1) + ",{\"type\":\"job_complete\"}," + item("x", 2)
                + "]", null);
        Supplier<Response> onFinished = events(finished, item("y", 1), "refused-key");
        Supplier<Response> notASession = () -> as(token).contentType(ContentType.JSON).body("{\"step\":1}")
                .post("/api/progress/" + hot);
        fresh.forEach(job -> requests.add(events(job, item("z", 1), null)));

        Map<String, Response> answers = inOneGroup(requests, undone, onFinished, notASession);

        answers.forEach((name, answer) -> {
            if (name.startsWith("ok")) {
                assertEquals(200, answer.statusCode(), name + ": " + answer.asString());
                assertEquals(1, answer.jsonPath().getInt("accepted"), name);
            }
        });
        assertEquals(409, answers.get("undone").statusCode(), answers.get("undone").asString());
        assertEquals(409, answers.get("onFinished").statusCode());
        assertEquals(404, answers.get("notASession").statusCode());
        as(token).get("/api/jobs/{id}", hot).then().statusCode(200)
                .body("status", equalTo("running"), "progress.current", equalTo(8), "version", equalTo(1 + 1 + 8));
        as(token).get("/api/jobs/{id}", finished).then().body("status", equalTo("completed"));
        for (String job : fresh) {
            as(token).get("/api/jobs/{id}", job).then().statusCode(200).body("progress.current", equalTo(1));
        }
        assertEquals(1, writingTransactions(hot, fresh), "the group's rows were written by one transaction");
        // the refused request's key was released with it: free for another request, which applies
        events(hot, item("r", 1), "refused-key").get().then().statusCode(200).body("accepted", equalTo(1));
    }

    /**
     * The group takes its timeline ids with its locks, before it knows how many events it will keep: a job's
     * events still carry ids rising in the order its requests were applied, the ids a duplicate or a refused
     * request did not use are only gaps, and the next group numbers after all of them.
     */
    @Test
    void aGroupNumbersEventsInTheOrderItAppliedThemAndLeavesOnlyGaps() throws Exception {
        String job = Api.uniqueJob();
        send(token, job, "[{\"type\":\"job_start\"}," + item("d", 1) + "]");
        List<Supplier<Response>> requests = new ArrayList<>();
        for (int w = 0; w < 6; w++) {
            requests.add(events(job, "[" + item("d", 1) + "," + item("w" + w, 1) + "]", null));
        }
        Supplier<Response> undone = events(job, "[" + item("x", 1) + ",{\"type\":\"job_complete\"}," + item("x", 2)
                + ",{\"type\":\"job_start\"}]", null);

        Map<String, Response> answers = inOneGroup(requests, undone);

        assertEquals(409, answers.get("undone").statusCode(), answers.get("undone").asString());
        Map<String, Integer> versionByItem = new HashMap<>();
        for (int w = 0; w < 6; w++) {
            Response answer = answers.get("ok" + w);
            assertEquals(200, answer.statusCode(), answer.asString());
            assertEquals(1, answer.jsonPath().getInt("duplicates"), "d-1 was stored before the group");
            versionByItem.put("w" + w + "-1", answer.jsonPath().getInt("job.version"));
        }
        send(token, job, item("after", 1));
        List<Map<String, Object>> stored = as(token).queryParam("type", "item_complete")
                .get("/api/jobs/{id}/events", job).then().statusCode(200).extract().jsonPath().getList("items");
        List<String> byId = stored.stream().sorted(Comparator.comparingLong(e -> ((Number) e.get("id"))
                .longValue())).map(e -> (String) e.get("item")).toList();
        List<String> applied = versionByItem.keySet().stream().sorted(Comparator.comparing(versionByItem::get))
                .toList();
        List<String> expected = new ArrayList<>(List.of("d-1"));
        expected.addAll(applied);
        expected.add("after-1");
        assertEquals(expected, byId, "ids rise in the order the group applied the requests, the next group's last");
    }

    /**
     * The group's COMMIT goes in the same round trip as its writes. A write the database refuses there (a
     * trigger refusing one job's timeline rows) leaves nothing of the group committed; its requests are then
     * committed one by one, each exactly once, and only the refused one fails.
     */
    @Test
    void aGroupTheDatabaseRefusesLeavesNothingAndIsRetriedRequestByRequest() throws Exception {
        String hot = startedJob();
        String refused = startedJob();
        List<Supplier<Response>> requests = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            requests.add(events(hot, item("w" + w, 1), null));
        }
        requests.add(events(refused, item("r", 1), null));

        Map<String, Response> answers;
        execute("create or replace function test_refuse_timeline() returns trigger language plpgsql as "
                + "$$ begin raise exception 'timeline refused by the test'; end $$");
        execute("create trigger test_refuse_timeline before insert on job_event for each row when (new.job_id = '"
                + refused + "') execute function test_refuse_timeline()");
        try {
            answers = inOneGroup(requests);
        } finally {
            execute("drop trigger test_refuse_timeline on job_event");
        }

        for (int w = 0; w < 4; w++) {
            assertEquals(200, answers.get("ok" + w).statusCode(), answers.get("ok" + w).asString());
        }
        assertEquals(500, answers.get("ok4").statusCode(), answers.get("ok4").asString());
        as(token).get("/api/jobs/{id}", hot).then().body("progress.current", equalTo(4), "version", equalTo(2 + 4));
        as(token).get("/api/jobs/{id}", refused).then().body("version", equalTo(2));
        as(token).queryParam("type", "item_complete").get("/api/jobs/{id}/events", hot).then()
                .body("items.size()", equalTo(4));
    }

    /** Operators see group commit at work: how many groups, how many requests each, how long each took. */
    @Test
    void eachGroupIsCountedWithItsSizeAndItsTime() throws Exception {
        List<Supplier<Response>> requests = new ArrayList<>();
        for (int w = 0; w < 5; w++) {
            requests.add(events(Api.uniqueJob(), item("m" + w, 1), null));
        }
        DistributionSummary sizes = registry.get("progresshub.ingest.group.size").summary();
        Timer commits = registry.get("progresshub.ingest.group.commit").timer();
        long groupsBefore = sizes.count();
        double requestsBefore = sizes.totalAmount();

        inOneGroup(requests);

        // the blocker's creation, the request held on its lock, then the five together
        assertEquals(3, sizes.count() - groupsBefore, "three groups");
        assertEquals(1 + 1 + 5, sizes.totalAmount() - requestsBefore, "seven requests");
        assertEquals(sizes.count(), commits.count(), "each group timed");
    }

    @Test
    void oneIdempotencyKeyTwiceInAGroupAppliesOnceAndReplaysTheFirstAnswer() throws Exception {
        String job = startedJob();
        List<Supplier<Response>> requests = new ArrayList<>();
        requests.add(events(job, item("a", 1), "same-key"));
        requests.add(events(job, item("a", 1), "same-key"));
        requests.add(events(job, item("b", 1), "reused-key"));
        requests.add(events(job, item("c", 1), "reused-key"));

        Map<String, Response> answers = inOneGroup(requests);

        Response first = answers.get("ok0");
        Response second = answers.get("ok1");
        assertEquals(200, first.statusCode());
        assertEquals(first.asString(), second.asString(), "the second gets the first answer again");
        List<Integer> reused = List.of(answers.get("ok2").statusCode(), answers.get("ok3").statusCode());
        assertEquals(List.of(200, 422), reused.stream().sorted().toList(), "one applies, the other body is a 422");
        as(token).get("/api/jobs/{id}", job).then().body("progress.current", equalTo(2), "version", equalTo(4));
        // a retry after the commit replays too
        events(job, item("a", 1), "same-key").get().then().statusCode(200).body(equalTo(first.asString()));
    }

    /**
     * A group on jobs its committer wrote last, waiting behind another group, is applied to the states the
     * committer holds and goes to PostgreSQL in one round trip: keys, locks and check, timeline rows numbered
     * ahead, states, COMMIT.
     */
    @Test
    void aGroupOnJobsItsCommitterHoldsIsWrittenInOneRoundTrip() throws Exception {
        String job = startedJob();
        List<Supplier<Response>> requests = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            requests.add(events(job, item("w" + w, 1), "one-trip-" + w));
        }
        double atOnce = counted("progresshub.ingest.group.at.once");
        double again = counted("progresshub.ingest.group.changed.meanwhile");

        Map<String, Response> answers = inOneGroup(requests);

        assertEquals(1, counted("progresshub.ingest.group.at.once") - atOnce, "the group went in one round trip");
        assertEquals(0, counted("progresshub.ingest.group.changed.meanwhile") - again);
        answers.values().forEach(answer -> assertEquals(200, answer.statusCode(), answer.asString()));
        as(token).get("/api/jobs/{id}", job).then().body("progress.current", equalTo(4), "version", equalTo(2 + 4));
        assertEquals(1, writingTransactions(job, List.of()), "the group's rows were written by one transaction");
        // its keys were kept: a retry replays its first answer
        events(job, item("w0", 1), "one-trip-0").get().then().statusCode(200)
                .body(equalTo(answers.get("ok0").asString()));
    }

    /**
     * A group in one round trip that only refuses a request on one of its jobs (a job already finished): that job
     * is locked and checked with the others, in one order, though its state is not written.
     */
    @Test
    void aJobTheGroupOnlyRefusesIsCheckedWithTheOthersInTheOneRoundTrip() throws Exception {
        String hot = startedJob();
        String finished = Api.uniqueJob();
        send(token, finished, "[{\"type\":\"job_start\"},{\"type\":\"job_complete\"}]");
        double atOnce = counted("progresshub.ingest.group.at.once");

        Map<String, Response> answers = inOneGroup(List.of(events(hot, item("h", 1), null),
                events(hot, item("h", 2), null), events(finished, item("f", 1), null)));

        assertEquals(1, counted("progresshub.ingest.group.at.once") - atOnce, "the group went in one round trip");
        assertEquals(200, answers.get("ok0").statusCode(), answers.get("ok0").asString());
        assertEquals(200, answers.get("ok1").statusCode(), answers.get("ok1").asString());
        assertEquals(409, answers.get("ok2").statusCode(), answers.get("ok2").asString());
        as(token).get("/api/jobs/{id}", hot).then().body("progress.current", equalTo(2), "version", equalTo(2 + 2));
        as(token).get("/api/jobs/{id}", finished).then().body("status", equalTo("completed"), "version", equalTo(3));
    }

    /**
     * Another writer changes a job while a group on it waits (here a pause, through the control API): the
     * group's one round trip finds the job changed, commits nothing, and the group goes again under its locks,
     * on the state as stored: each answer carries the pause, nothing is lost or counted twice.
     */
    @Test
    void aJobChangedMeanwhileIsWrittenAgainOnItsStoredState() throws Exception {
        String job = startedJob();
        String control = Api.token(project, "control");
        List<Supplier<Response>> requests = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            requests.add(events(job, item("w" + w, 1), null));
        }
        double atOnce = counted("progresshub.ingest.group.at.once");
        double again = counted("progresshub.ingest.group.changed.meanwhile");

        Map<String, Response> answers = inOneGroup(requests,
                () -> as(control).post("/api/jobs/{id}/pause", job).then().statusCode(200));

        assertEquals(1, counted("progresshub.ingest.group.changed.meanwhile") - again, "the change was seen");
        assertEquals(0, counted("progresshub.ingest.group.at.once") - atOnce, "nothing committed in one round trip");
        answers.values().forEach(answer -> {
            assertEquals(200, answer.statusCode(), answer.asString());
            assertEquals("paused", answer.jsonPath().getString("job.requestedState"), answer.asString());
        });
        as(token).get("/api/jobs/{id}", job).then().body("progress.current", equalTo(3),
                "requestedState", equalTo("paused"), "version", equalTo(2 + 1 + 3));

        // while writers take turns on it, the job's next groups lock it first instead of finding that out again
        double atOnceAfter = counted("progresshub.ingest.group.at.once");
        inOneGroup(List.of(events(job, item("n", 1), null), events(job, item("n", 2), null)));
        assertEquals(0, counted("progresshub.ingest.group.at.once") - atOnceAfter, "locked first");
        as(token).get("/api/jobs/{id}", job).then().body("progress.current", equalTo(5));
    }

    /**
     * A job deleted while a group on it waits: the group's one round trip would write the job's row again, with
     * everything the job had before its deletion; it finds the row gone, commits nothing, and goes again under
     * its locks, where its events start the job anew.
     */
    @Test
    void aJobDeletedMeanwhileIsNotWrittenBackWithItsOldState() throws Exception {
        String job = startedJob();
        send(token, job, "[" + item("before", 1) + "," + item("before", 2) + "," + item("before", 3) + "]");
        String control = Api.token(project, "control");
        double again = counted("progresshub.ingest.group.changed.meanwhile");

        Map<String, Response> answers = inOneGroup(
                List.of(events(job, item("after", 1), null), events(job, item("after", 2), null)),
                () -> as(control).delete("/api/jobs/{id}", job).then().statusCode(204));

        assertEquals(1, counted("progresshub.ingest.group.changed.meanwhile") - again, "the deletion was seen");
        answers.values().forEach(answer -> assertEquals(200, answer.statusCode(), answer.asString()));
        as(token).get("/api/jobs/{id}", job).then().statusCode(200).body("progress.current", equalTo(2));
        as(token).queryParam("type", "item_complete").get("/api/jobs/{id}/events", job).then()
                .body("items.item", containsInAnyOrder("after-1", "after-2"));
    }

    /**
     * A retry whose Idempotency-Key was committed before its group: the group's one round trip finds the key
     * taken and commits nothing; under its locks the retry then gets its first answer again, the others apply.
     */
    @Test
    void aKeyTakenBeforeTheGroupIsReplayedAndTheOthersApplyOnce() throws Exception {
        String job = startedJob();
        Response first = events(job, item("a", 1), "taken-key").get();
        assertEquals(200, first.statusCode(), first.asString());
        List<Supplier<Response>> requests = List.of(events(job, item("a", 1), "taken-key"),
                events(job, item("b", 1), "fresh-key"), events(job, item("c", 1), null));
        double again = counted("progresshub.ingest.group.changed.meanwhile");

        Map<String, Response> answers = inOneGroup(requests);

        assertEquals(1, counted("progresshub.ingest.group.changed.meanwhile") - again, "the taken key was seen");
        assertEquals(first.asString(), answers.get("ok0").asString(), "the retry replays its first answer");
        assertEquals(200, answers.get("ok1").statusCode(), answers.get("ok1").asString());
        assertEquals(200, answers.get("ok2").statusCode(), answers.get("ok2").asString());
        as(token).get("/api/jobs/{id}", job).then().body("progress.current", equalTo(3), "version", equalTo(2 + 3));

        // a retry is no other writer: the job's next group goes in one round trip again
        double atOnce = counted("progresshub.ingest.group.at.once");
        inOneGroup(List.of(events(job, item("d", 1), null), events(job, item("d", 2), null)));
        assertEquals(1, counted("progresshub.ingest.group.at.once") - atOnce, "in one round trip");
    }

    @Test
    void twoCreatesOfOneIdInAGroupCreateItOnce() throws Exception {
        String job = Api.uniqueJob();
        Supplier<Response> create = () -> as(token).contentType(ContentType.JSON)
                .body("{\"id\":\"" + job + "\",\"name\":\"Once\"}").post("/api/jobs");
        Map<String, Response> answers = inOneGroup(List.of(create, create));

        List<Integer> statuses = answers.values().stream().map(Response::statusCode).sorted().toList();
        assertEquals(List.of(200, 201), statuses, "one created it, the other found it");
        as(token).get("/api/jobs/{id}/events?type=job_created", job).then().body("items.size()", equalTo(1));
    }

    @Test
    void anIdempotencyKeyReusedWithAnotherQueryStringIsA422() {
        String job = Api.uniqueJob();
        String body = item("q", 1);
        as(token).contentType(ContentType.JSON).header("Idempotency-Key", "query-key").body(body)
                .post("/api/jobs/{id}/events", job).then().statusCode(200);
        as(token).contentType(ContentType.JSON).header("Idempotency-Key", "query-key").body(body)
                .queryParam("project", "elsewhere").post("/api/jobs/{id}/events", job).then().statusCode(422);
    }

    /**
     * Holds the committer on a row lock, sends every request, waits until all of them are queued, releases
     * the lock: they form one group. Answers are named ok0.. for the list, then by the named requests' order.
     */
    @SafeVarargs
    private Map<String, Response> inOneGroup(List<Supplier<Response>> requests, Supplier<Response>... named)
            throws Exception {
        return inOneGroup(requests, () -> {
        }, named);
    }

    /** As {@link #inOneGroup(List, Supplier[])}, running {@code meanwhile} once all are queued, before release. */
    @SafeVarargs
    private Map<String, Response> inOneGroup(List<Supplier<Response>> requests, Runnable meanwhile,
            Supplier<Response>... named) throws Exception {
        String blocker = startedJob();
        ExecutorService clients = Executors.newFixedThreadPool(requests.size() + named.length + 1);
        try (HeldCommitter lock = HeldCommitter.onJob(dataSource, project, blocker)) {
            Future<Response> held = clients.submit(() -> events(blocker, item("held", 1), null).get());
            await().atMost(Duration.ofSeconds(30)).until(lock::committerWaits);
            List<Future<Response>> sent = new ArrayList<>();
            requests.forEach(request -> sent.add(clients.submit(request::get)));
            for (Supplier<Response> request : named) {
                sent.add(clients.submit(request::get));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> queueDepth() == sent.size());
            meanwhile.run();
            lock.release();
            assertEquals(200, held.get().statusCode());
            Map<String, Response> answers = new LinkedHashMap<>();
            for (int i = 0; i < requests.size(); i++) {
                answers.put("ok" + i, sent.get(i).get());
            }
            List<String> names = List.of("undone", "onFinished", "notASession");
            for (int i = 0; i < named.length; i++) {
                answers.put(names.get(i), sent.get(requests.size() + i).get());
            }
            return answers;
        } finally {
            clients.shutdown();
        }
    }

    private Supplier<Response> events(String job, String body, String idempotencyKey) {
        return () -> {
            var request = as(token).contentType(ContentType.JSON).body(body);
            if (idempotencyKey != null) {
                request.header("Idempotency-Key", idempotencyKey);
            }
            return request.post("/api/jobs/{id}/events", job);
        };
    }

    private String startedJob() {
        String job = Api.uniqueJob();
        send(token, job, "{\"type\":\"job_start\"}");
        return job;
    }

    private static String item(String worker, int seq) {
        return "{\"type\":\"item_complete\",\"item\":\"" + worker + "-" + seq + "\",\"worker\":\"" + worker
                + "\",\"seq\":" + seq + "}";
    }

    private double counted(String counter) {
        return registry.get(counter).counter().count();
    }

    private double queueDepth() {
        return registry.get("progresshub.ingest.queue.depth").gauge().value();
    }

    private void execute(String sql) throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private int writingTransactions(String hot, List<String> fresh) throws Exception {
        List<String> jobs = new ArrayList<>(fresh);
        jobs.add(hot);
        String in = jobs.stream().map(job -> "'" + job + "'").collect(Collectors.joining(","));
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("select count(distinct xmin::text) from job_event where project = '"
                        + project + "' and job_id in (" + in + ") and type = 'item_complete'")) {
            row.next();
            return row.getInt(1);
        }
    }
}
