package dev.progresshub.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Keeps the deployment side ({@code deploy/kubernetes}, {@code deploy/cloudrun}, {@code deploy/monitoring},
 * {@code src/main/docker}) consistent with the application: HTTP and management ports, health/metrics
 * paths, environment variable names, the non-root user, graceful-shutdown timing and the SSE-related
 * timeouts. Plain JUnit: no Quarkus boot.
 *
 * <p>What "the app" is here: the production image, that is {@code src/main/resources/application.properties}
 * (effective {@code prod} values, so {@code %prod.} keys win) overlaid with the {@code -Dquarkus.*} options
 * the image build passes (Dockerfile.native-micro: the management interface is a build-time setting), with
 * Quarkus defaults for anything unset, plus the env names of the contract ({@link #REQUIRED_SECRET_ENV}) and
 * every {@code ${ENV_NAME}} without default that the properties reference.
 *
 * <p>Every check collects problems instead of failing at the first, and the {@code detects*} tests
 * mutate an in-memory copy of the manifests to prove the checks do catch a drift.
 */
class ManifestConsistencyTest {

    /** Environment the app needs from a secret store on every platform (CONTRACT.md, deployment brief). */
    static final Set<String> REQUIRED_SECRET_ENV = Set.of(
            "QUARKUS_DATASOURCE_JDBC_URL",
            "QUARKUS_DATASOURCE_USERNAME",
            "QUARKUS_DATASOURCE_PASSWORD",
            "PROGRESS_HUB_ADMIN_TOKEN");

    /** The app finishes in-flight requests and closes SSE streams within this after SIGTERM (when
     *  {@code quarkus.shutdown.timeout} is not set in application.properties). */
    static final Duration DEFAULT_APP_SHUTDOWN = Duration.ofSeconds(8);

    /** SSE heartbeat interval; any proxy/platform idle or request timeout must be well above it. */
    static final Duration SSE_HEARTBEAT = Duration.ofSeconds(15);

    static final String DEPLOYMENT_NAME = "progress-hub";

    static Path root;
    static AppFacts app;
    static Manifests manifests;

    @BeforeAll
    static void load() {
        root = projectRoot();
        manifests = Manifests.load(root);
        app = AppFacts.load(root.resolve("src/main/resources/application.properties"))
                .withBuildOptions(buildOptions(manifests.dockerfiles().get("Dockerfile.native-micro")));
    }

    // ------------------------------------------------------------------ the real files

    @Test
    void kubernetesManifestsMatchTheApp() {
        assertNoProblems(checkKubernetes(app, manifests));
    }

    @Test
    void cloudRunServiceMatchesTheApp() {
        assertNoProblems(checkCloudRun(app, manifests));
    }

    @Test
    void dockerfilesMatchTheAppAndTheManifests() {
        assertNoProblems(checkDockerfiles(app, manifests));
    }

    @Test
    void prometheusScrapesWhereTheImageServesMetrics() {
        assertTrue(app.managementEnabled(), "the image is built with the management interface");
        assertNoProblems(checkMonitoring(app, manifests));
    }

    @Test
    void allManifestsAreFoundAndParsed() {
        for (String kind : List.of("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget",
                "Ingress", "Secret", "ServiceAccount")) {
            assertTrue(manifests.k8s(kind, "progress-hub") != null, "deploy/kubernetes has no " + kind + " progress-hub");
        }
        assertTrue(manifests.cloudRun != null, "deploy/cloudrun/service.yaml missing");
        assertEquals("serving.knative.dev/v1", manifests.cloudRun.path("apiVersion").asText());
    }

    // ------------------------------------------------------------------ the checks bite

    @Test
    void detectsAChangedProbePath() {
        Manifests m = manifests.copy();
        ((ObjectNode) container(m.k8s("Deployment", DEPLOYMENT_NAME)).path("readinessProbe").path("httpGet"))
                .put("path", "/health/ready");
        assertHasProblem(checkKubernetes(app, m), "readinessProbe");

        Manifests c = manifests.copy();
        ((ObjectNode) cloudRunContainer(c).path("livenessProbe").path("httpGet")).put("path", "/q/health");
        assertHasProblem(checkCloudRun(app, c), "livenessProbe");
    }

    @Test
    void detectsAChangedPort() {
        AppFacts moved = app.with("quarkus.http.port", "8081");
        assertHasProblem(checkKubernetes(moved, manifests), "port");
        assertHasProblem(checkCloudRun(moved, manifests), "port");
        assertHasProblem(checkDockerfiles(moved, manifests), "EXPOSE");

        Manifests m = manifests.copy();
        ((ObjectNode) container(m.k8s("Deployment", DEPLOYMENT_NAME)).path("ports").get(0)).put("containerPort", 9090);
        assertHasProblem(checkKubernetes(app, m), "port");
    }

    @Test
    void detectsAnImageWithoutTheManagementInterface() {
        // health and metrics would be back on the API port, where nothing probes or scrapes them
        AppFacts plain = app.with("quarkus.management.enabled", "false");
        assertHasProblem(checkKubernetes(plain, manifests), "readinessProbe");
        assertHasProblem(checkKubernetes(plain, manifests), "prometheus.io/port");
        assertHasProblem(checkCloudRun(plain, manifests), "livenessProbe");
        assertHasProblem(checkMonitoring(plain, manifests), "port");

        Manifests m = manifests.copy();
        m.dockerfiles().computeIfPresent("Dockerfile.jvm",
                (name, text) -> text.replace("-Dquarkus.management.enabled=true", ""));
        assertHasProblem(checkDockerfiles(app, m), "Dockerfile.jvm");
    }

    @Test
    void detectsAManagementPortOffTheProbesOrOpenToClients() {
        AppFacts moved = app.with("quarkus.management.port", "9001");
        assertHasProblem(checkKubernetes(moved, manifests), "management interface listens on port 9001");
        assertHasProblem(checkCloudRun(moved, manifests), "startupProbe");
        assertHasProblem(checkDockerfiles(moved, manifests), "EXPOSE");
        assertHasProblem(checkMonitoring(moved, manifests), "port");

        Manifests m = manifests.copy();
        ((ArrayNode) m.k8s("Service", "progress-hub").path("spec").path("ports")).addObject()
                .put("name", "ops").put("port", 9000).put("targetPort", "management");
        assertHasProblem(checkKubernetes(app, m), "Service: port ops");

        Manifests s = manifests.copy();
        ((ObjectNode) s.prometheus().path("scrape_configs").get(0)).put("metrics_path", "/metrics");
        assertHasProblem(checkMonitoring(app, s), "metrics_path");
    }

    @Test
    void detectsARenamedOrMissingEnv() {
        Manifests m = manifests.copy();
        ((ObjectNode) container(m.k8s("Deployment", DEPLOYMENT_NAME)).path("env").get(2))
                .put("name", "QUARKUS_DATASOURCE_PASSWD");
        assertHasProblem(checkKubernetes(app, m), "QUARKUS_DATASOURCE_PASSWORD");

        Manifests c = manifests.copy();
        ((ArrayNode) cloudRunContainer(c).path("env")).remove(3);
        assertHasProblem(checkCloudRun(app, c), "PROGRESS_HUB_ADMIN_TOKEN");

        Manifests s = manifests.copy();
        ((ObjectNode) s.k8s("Secret", "progress-hub").path("stringData")).remove("PROGRESS_HUB_ADMIN_TOKEN");
        assertHasProblem(checkKubernetes(app, s), "PROGRESS_HUB_ADMIN_TOKEN");

        AppFacts needsMore = app.with("progress-hub.signing-key", "${PROGRESS_HUB_SIGNING_KEY}");
        assertHasProblem(checkKubernetes(needsMore, manifests), "PROGRESS_HUB_SIGNING_KEY");
    }

    @Test
    void detectsAShutdownLongerThanTheGracePeriod() {
        AppFacts slow = app.with("quarkus.shutdown.timeout", "30s");
        assertHasProblem(checkKubernetes(slow, manifests), "terminationGracePeriodSeconds");
    }

    @Test
    void detectsABufferingIngress() {
        Manifests m = manifests.copy();
        ((ObjectNode) m.k8s("Ingress", "progress-hub").path("metadata").path("annotations"))
                .put("nginx.ingress.kubernetes.io/proxy-buffering", "on");
        assertHasProblem(checkKubernetes(app, m), "proxy-buffering");
    }

    // ------------------------------------------------------------------ Kubernetes

    static List<String> checkKubernetes(AppFacts app, Manifests m) {
        List<String> p = new ArrayList<>();
        JsonNode deployment = m.k8s("Deployment", DEPLOYMENT_NAME);
        if (deployment == null) {
            p.add("deploy/kubernetes: no Deployment " + DEPLOYMENT_NAME);
            return p;
        }
        JsonNode podSpec = deployment.path("spec").path("template").path("spec");
        JsonNode podLabels = deployment.path("spec").path("template").path("metadata").path("labels");
        JsonNode c = container(deployment);
        Map<String, String> literalEnv = literalEnv(c);
        AppFacts eff = app.withEnv(literalEnv);

        // ports
        Map<String, Integer> ports = new LinkedHashMap<>();
        c.path("ports").forEach(port -> ports.put(port.path("name").asText(), port.path("containerPort").asInt()));
        if (!Integer.valueOf(eff.httpPort()).equals(ports.get("http"))) {
            p.add("Deployment: container port 'http' is " + ports.get("http") + ", the app listens on port "
                    + eff.httpPort() + " (quarkus.http.port)");
        }
        if (eff.managementEnabled() && !ports.containsValue(eff.managementPort())) {
            p.add("Deployment: the management interface listens on port " + eff.managementPort()
                    + " but the container declares no such port");
        }

        // probes
        checkProbe(p, "Deployment", c, "startupProbe", eff.startedPath(), eff.healthPort(), ports);
        checkProbe(p, "Deployment", c, "readinessProbe", eff.readyPath(), eff.healthPort(), ports);
        checkProbe(p, "Deployment", c, "livenessProbe", eff.livePath(), eff.healthPort(), ports);

        // metrics scraping
        JsonNode ann = deployment.path("spec").path("template").path("metadata").path("annotations");
        if (ann.has("prometheus.io/path") && !ann.path("prometheus.io/path").asText().equals(eff.metricsPath())) {
            p.add("Deployment: prometheus.io/path is " + ann.path("prometheus.io/path").asText() + ", metrics are at "
                    + eff.metricsPath());
        }
        if (ann.has("prometheus.io/port") && ann.path("prometheus.io/port").asInt() != eff.healthPort()) {
            p.add("Deployment: prometheus.io/port is " + ann.path("prometheus.io/port").asText()
                    + ", metrics are served on port " + eff.healthPort());
        }

        // environment: secrets
        Map<String, JsonNode> secretEnv = secretEnv(c);
        Set<String> envNames = new TreeSet<>(secretEnv.keySet());
        envNames.addAll(literalEnv.keySet());
        checkEnvNames(p, "Deployment", envNames, app);
        for (String name : REQUIRED_SECRET_ENV) {
            if (!secretEnv.containsKey(name)) {
                p.add("Deployment: " + name + " must come from a Secret (env valueFrom.secretKeyRef)");
            }
        }
        JsonNode secret = null;
        for (Map.Entry<String, JsonNode> e : secretEnv.entrySet()) {
            String secretName = e.getValue().path("name").asText();
            String key = e.getValue().path("key").asText();
            secret = m.k8s("Secret", secretName);
            if (secret == null) {
                p.add("Deployment: env " + e.getKey() + " refers to Secret " + secretName
                        + ", which deploy/kubernetes/examples does not describe");
            } else if (!secret.path("stringData").has(key) && !secret.path("data").has(key)) {
                p.add("Secret " + secretName + " has no key " + key + " (needed by env " + e.getKey() + ")");
            }
        }

        // graceful shutdown: preStop sleep + the app's shutdown must fit in the grace period
        long grace = podSpec.path("terminationGracePeriodSeconds").asLong(30);
        long preStop = c.path("lifecycle").path("preStop").path("sleep").path("seconds").asLong(0);
        JsonNode execStop = c.path("lifecycle").path("preStop").path("exec").path("command");
        if (execStop.isArray() && execStop.size() == 2 && "sleep".equals(execStop.get(0).asText())) {
            preStop = execStop.get(1).asLong();
        }
        long needed = preStop + eff.shutdownSeconds() + 2;
        if (grace < needed) {
            p.add("Deployment: terminationGracePeriodSeconds " + grace + " < preStop " + preStop + " s + app shutdown "
                    + eff.shutdownSeconds() + " s + 2 s margin");
        }

        // resources: requests and limits, native heap cap below the memory limit
        JsonNode res = c.path("resources");
        for (String kind : List.of("requests", "limits")) {
            for (String r : List.of("cpu", "memory")) {
                if (res.path(kind).path(r).isMissingNode()) {
                    p.add("Deployment: resources." + kind + "." + r + " is not set");
                }
            }
        }
        long memRequest = bytes(res.path("requests").path("memory").asText("0"));
        long memLimit = bytes(res.path("limits").path("memory").asText("0"));
        if (memRequest < 128L << 20) {
            p.add("Deployment: memory request " + res.path("requests").path("memory").asText()
                    + " is below the native RSS at start (~100 MB) plus headroom (128Mi)");
        }
        if (memLimit > 0 && memLimit < memRequest) {
            p.add("Deployment: memory limit below the request");
        }
        checkHeapCap(p, "Deployment", c, memLimit);

        // security: non-root, read-only root file system with a writable /tmp
        JsonNode podSec = podSpec.path("securityContext");
        JsonNode sec = c.path("securityContext");
        if (!podSec.path("runAsNonRoot").asBoolean(false) && !sec.path("runAsNonRoot").asBoolean(false)) {
            p.add("Deployment: runAsNonRoot is not true");
        }
        long uid = sec.path("runAsUser").asLong(podSec.path("runAsUser").asLong(-1));
        if (uid <= 0) {
            p.add("Deployment: runAsUser must be a non-zero numeric UID");
        }
        if (!sec.path("readOnlyRootFilesystem").asBoolean(false)) {
            p.add("Deployment: readOnlyRootFilesystem is not true");
        }
        if (sec.path("allowPrivilegeEscalation").asBoolean(true)) {
            p.add("Deployment: allowPrivilegeEscalation is not false");
        }
        boolean tmpMounted = false;
        for (JsonNode vm : c.path("volumeMounts")) {
            tmpMounted |= "/tmp".equals(vm.path("mountPath").asText());
        }
        if (!tmpMounted) {
            p.add("Deployment: read-only root file system but no volume mounted at /tmp (java.io.tmpdir)");
        }

        // Service -> pods
        JsonNode service = m.k8s("Service", "progress-hub");
        if (service == null) {
            p.add("deploy/kubernetes: no Service progress-hub");
        } else {
            checkSelector(p, "Service", service.path("spec").path("selector"), podLabels);
            boolean http = false;
            for (JsonNode sp : service.path("spec").path("ports")) {
                Integer target = resolvePort(sp.path("targetPort"), ports);
                if (target == null) {
                    p.add("Service: targetPort " + sp.path("targetPort").asText() + " is no container port");
                } else if (target == eff.httpPort()) {
                    http = true;
                } else if (eff.managementEnabled() && target == eff.managementPort()) {
                    p.add("Service: port " + sp.path("name").asText() + " exposes the management interface (health,"
                            + " metrics, the OpenAPI document) to every client of the Service; probes and Prometheus"
                            + " reach the pods directly");
                }
            }
            if (!http) {
                p.add("Service: no port targets the app's HTTP port " + eff.httpPort());
            }
        }

        // HPA, PDB
        JsonNode hpa = m.k8s("HorizontalPodAutoscaler", "progress-hub");
        if (hpa != null) {
            JsonNode ref = hpa.path("spec").path("scaleTargetRef");
            if (!"Deployment".equals(ref.path("kind").asText()) || !DEPLOYMENT_NAME.equals(ref.path("name").asText())) {
                p.add("HorizontalPodAutoscaler: scaleTargetRef is not Deployment " + DEPLOYMENT_NAME);
            }
            if (hpa.path("spec").path("minReplicas").asInt(1) < 2) {
                p.add("HorizontalPodAutoscaler: minReplicas < 2 leaves no instance during a rollout or drain");
            }
            if (deployment.path("spec").has("replicas")) {
                p.add("Deployment: spec.replicas is set although an HPA owns it (each apply would reset it)");
            }
        }
        JsonNode pdb = m.k8s("PodDisruptionBudget", "progress-hub");
        if (pdb != null) {
            checkSelector(p, "PodDisruptionBudget", pdb.path("spec").path("selector").path("matchLabels"), podLabels);
        }

        // Ingress: points at the Service, SSE-safe
        JsonNode ingress = m.k8s("Ingress", "progress-hub");
        if (ingress != null && service != null) {
            Set<String> servicePortNames = new LinkedHashSet<>();
            Set<Integer> servicePortNumbers = new LinkedHashSet<>();
            service.path("spec").path("ports").forEach(sp -> {
                servicePortNames.add(sp.path("name").asText());
                servicePortNumbers.add(sp.path("port").asInt());
            });
            for (JsonNode rule : ingress.path("spec").path("rules")) {
                for (JsonNode path : rule.path("http").path("paths")) {
                    JsonNode backend = path.path("backend").path("service");
                    if (!"progress-hub".equals(backend.path("name").asText())) {
                        p.add("Ingress: backend service " + backend.path("name").asText() + " is not progress-hub");
                    }
                    JsonNode bp = backend.path("port");
                    boolean ok = bp.has("name") ? servicePortNames.contains(bp.path("name").asText())
                            : servicePortNumbers.contains(bp.path("number").asInt());
                    if (!ok) {
                        p.add("Ingress: backend port " + bp + " is not a port of Service progress-hub");
                    }
                }
            }
            JsonNode ia = ingress.path("metadata").path("annotations");
            if (!"off".equals(ia.path("nginx.ingress.kubernetes.io/proxy-buffering").asText())) {
                p.add("Ingress: nginx.ingress.kubernetes.io/proxy-buffering must be \"off\" for SSE");
            }
            long readTimeout = seconds(ia.path("nginx.ingress.kubernetes.io/proxy-read-timeout").asText("60"));
            if (readTimeout < 20 * SSE_HEARTBEAT.toSeconds()) {
                p.add("Ingress: proxy-read-timeout " + readTimeout + " s is too short for long-lived SSE streams");
            }
        }
        return p;
    }

    // ------------------------------------------------------------------ Cloud Run

    static List<String> checkCloudRun(AppFacts app, Manifests m) {
        List<String> p = new ArrayList<>();
        JsonNode svc = m.cloudRun;
        if (svc == null) {
            p.add("deploy/cloudrun/service.yaml: missing");
            return p;
        }
        JsonNode tmpl = svc.path("spec").path("template");
        JsonNode c = cloudRunContainer(m);
        AppFacts eff = app.withEnv(literalEnv(c));

        JsonNode ports = c.path("ports");
        int port = ports.size() == 1 ? ports.get(0).path("containerPort").asInt() : -1;
        if (port != eff.httpPort()) {
            p.add("Cloud Run: containerPort is " + port + " (exactly one port needed), the app listens on port "
                    + eff.httpPort());
        }
        Map<String, Integer> named = Map.of(ports.path(0).path("name").asText("http1"), port);
        checkProbe(p, "Cloud Run", c, "startupProbe", eff.startedPath(), eff.healthPort(), named);
        checkProbe(p, "Cloud Run", c, "readinessProbe", eff.readyPath(), eff.healthPort(), named);
        checkProbe(p, "Cloud Run", c, "livenessProbe", eff.livePath(), eff.healthPort(), named);

        Map<String, JsonNode> secretEnv = secretEnv(c);
        Set<String> envNames = new TreeSet<>(secretEnv.keySet());
        envNames.addAll(literalEnv(c).keySet());
        checkEnvNames(p, "Cloud Run", envNames, app);
        for (String name : REQUIRED_SECRET_ENV) {
            if (!secretEnv.containsKey(name)) {
                p.add("Cloud Run: " + name + " must come from Secret Manager (env valueFrom.secretKeyRef)");
            }
        }
        JsonNode k8sDeployment = m.k8s("Deployment", DEPLOYMENT_NAME);
        if (k8sDeployment != null && !secretEnv(container(k8sDeployment)).keySet().equals(secretEnv.keySet())) {
            p.add("Cloud Run and Kubernetes take different env names from secrets: " + secretEnv.keySet() + " vs "
                    + secretEnv(container(k8sDeployment)).keySet());
        }

        long timeout = tmpl.path("spec").path("timeoutSeconds").asLong(300);
        if (timeout < 60 * SSE_HEARTBEAT.toSeconds()) {
            p.add("Cloud Run: timeoutSeconds " + timeout + " cuts SSE streams too often (want >= "
                    + 60 * SSE_HEARTBEAT.toSeconds() + ", max 3600)");
        }
        int concurrency = tmpl.path("spec").path("containerConcurrency").asInt(80);
        if (concurrency < 10) {
            p.add("Cloud Run: containerConcurrency " + concurrency + ": every open SSE stream holds a slot");
        }
        JsonNode ann = tmpl.path("metadata").path("annotations");
        if (ann.path("autoscaling.knative.dev/minScale").asInt(0) < 1) {
            p.add("Cloud Run: autoscaling.knative.dev/minScale must be >= 1 (background LISTEN/NOTIFY, scheduler)");
        }
        checkHeapCap(p, "Cloud Run", c, bytes(c.path("resources").path("limits").path("memory").asText("512Mi")));
        return p;
    }

    // ------------------------------------------------------------------ Dockerfiles

    static List<String> checkDockerfiles(AppFacts app, Manifests m) {
        List<String> p = new ArrayList<>();
        Map<String, String> nativeBuild = buildOptions(m.dockerfiles().get("Dockerfile.native-micro"));
        for (String name : List.of("Dockerfile.native-micro", "Dockerfile.jvm")) {
            String text = m.dockerfiles().get(name);
            if (text == null) {
                p.add(name + ": missing");
                continue;
            }
            if (!buildOptions(text).equals(nativeBuild)) {
                p.add(name + ": builds with " + buildOptions(text) + ", Dockerfile.native-micro with " + nativeBuild
                        + ": the manifests fit only one of the images");
            }
            Matcher expose = Pattern.compile("(?m)^EXPOSE\\s+(.+)$").matcher(text);
            Set<Integer> exposed = new TreeSet<>();
            while (expose.find()) {
                for (String port : expose.group(1).trim().split("\\s+")) {
                    exposed.add(Integer.parseInt(port.replaceAll("/.*", "")));
                }
            }
            if (!exposed.contains(app.httpPort())) {
                p.add(name + ": EXPOSE " + exposed + " does not include the app's port " + app.httpPort());
            }
            if (app.managementEnabled() && !exposed.contains(app.managementPort())) {
                p.add(name + ": EXPOSE " + exposed + " does not include the management port " + app.managementPort());
            }
            Matcher user = Pattern.compile("(?m)^USER\\s+(\\S+)\\s*$").matcher(text);
            String lastUser = null;
            while (user.find()) {
                lastUser = user.group(1);
            }
            if (lastUser == null || !lastUser.matches("[1-9][0-9]*(:[0-9]+)?")) {
                p.add(name + ": the final USER must be a numeric non-root UID (runAsNonRoot), is " + lastUser);
            } else if (name.contains("native")) {
                JsonNode deployment = m.k8s("Deployment", DEPLOYMENT_NAME);
                if (deployment != null) {
                    long podUid = container(deployment).path("securityContext").path("runAsUser")
                            .asLong(deployment.path("spec").path("template").path("spec").path("securityContext")
                                    .path("runAsUser").asLong(-1));
                    if (podUid != Long.parseLong(lastUser.replaceAll(":.*", ""))) {
                        p.add(name + ": USER " + lastUser + " differs from the Deployment's runAsUser " + podUid);
                    }
                }
            }
        }
        String ignore = Files.exists(root.resolve(".dockerignore")) ? read(root.resolve(".dockerignore")) : "";
        for (String needed : List.of("!pom.xml", "!mvnw", "!.mvn", "!src")) {
            if (!ignore.lines().map(String::trim).toList().contains(needed)) {
                p.add(".dockerignore: the multi-stage build needs " + needed.substring(1) + " in the context");
            }
        }
        return p;
    }

    // ------------------------------------------------------------------ Prometheus

    /** deploy/monitoring/prometheus-scrape.yaml: the job alerts.yaml names, on the path and port of metrics. */
    static List<String> checkMonitoring(AppFacts app, Manifests m) {
        List<String> p = new ArrayList<>();
        JsonNode job = null;
        for (JsonNode sc : m.prometheus().path("scrape_configs")) {
            if ("progress-hub".equals(sc.path("job_name").asText())) {
                job = sc;
            }
        }
        if (job == null) {
            p.add("prometheus-scrape.yaml: no scrape job progress-hub (alerts.yaml uses job=\"progress-hub\")");
            return p;
        }
        if (!app.metricsPath().equals(job.path("metrics_path").asText("/metrics"))) {
            p.add("prometheus-scrape.yaml: metrics_path is " + job.path("metrics_path").asText("/metrics")
                    + ", metrics are at " + app.metricsPath());
        }
        JsonNode deployment = m.k8s("Deployment", DEPLOYMENT_NAME);
        Map<String, Integer> ports = new LinkedHashMap<>();
        if (deployment != null) {
            container(deployment).path("ports")
                    .forEach(port -> ports.put(port.path("name").asText(), port.path("containerPort").asInt()));
        }
        for (JsonNode relabel : job.path("relabel_configs")) {
            boolean keepsPortName = "keep".equals(relabel.path("action").asText())
                    && relabel.path("source_labels").toString().contains("__meta_kubernetes_pod_container_port_name");
            if (keepsPortName) {
                String name = relabel.path("regex").asText();
                if (!Integer.valueOf(app.healthPort()).equals(ports.get(name))) {
                    p.add("prometheus-scrape.yaml: scrapes the container port named " + name + " (" + ports.get(name)
                            + "), metrics are served on port " + app.healthPort());
                }
            }
        }
        for (JsonNode sc : job.path("static_configs")) {
            for (JsonNode target : sc.path("targets")) {
                if (!target.asText().endsWith(":" + app.healthPort())) {
                    p.add("prometheus-scrape.yaml: target " + target.asText() + " is not on port " + app.healthPort());
                }
            }
        }
        return p;
    }

    // ------------------------------------------------------------------ shared checks

    static void checkProbe(List<String> p, String where, JsonNode container, String probe, String path, int port,
            Map<String, Integer> namedPorts) {
        JsonNode get = container.path(probe).path("httpGet");
        if (get.isMissingNode()) {
            p.add(where + ": " + probe + " (httpGet " + path + ") is missing");
            return;
        }
        if (!path.equals(get.path("path").asText())) {
            p.add(where + ": " + probe + " path is " + get.path("path").asText() + ", the app serves it at " + path);
        }
        Integer actual = resolvePort(get.path("port"), namedPorts);
        if (actual == null || actual != port) {
            p.add(where + ": " + probe + " port " + get.path("port").asText() + " -> " + actual
                    + ", the app serves health on port " + port);
        }
    }

    static void checkEnvNames(List<String> p, String where, Set<String> names, AppFacts app) {
        Set<String> required = new TreeSet<>(REQUIRED_SECRET_ENV);
        required.addAll(app.referencedEnv());
        for (String r : required) {
            if (!names.contains(r)) {
                p.add(where + ": env " + r + " is not set (the app reads it)");
            }
        }
        for (String n : names) {
            if (!n.startsWith("QUARKUS_") && !n.startsWith("PROGRESS_HUB_") && !app.referencedEnv().contains(n)
                    && !n.startsWith("JAVA_")) {
                p.add(where + ": env " + n + " is read by nothing (not QUARKUS_*, PROGRESS_HUB_*, nor referenced"
                        + " in application.properties)");
            }
        }
    }

    static void checkHeapCap(List<String> p, String where, JsonNode container, long memLimit) {
        for (JsonNode arg : container.path("args")) {
            Matcher xmx = Pattern.compile("-Xmx(\\d+)([kKmMgG]?)").matcher(arg.asText());
            if (xmx.matches() && memLimit > 0) {
                long heap = Long.parseLong(xmx.group(1)) * switch (xmx.group(2).toLowerCase()) {
                    case "k" -> 1L << 10;
                    case "m" -> 1L << 20;
                    case "g" -> 1L << 30;
                    default -> 1L;
                };
                if (heap > memLimit * 85 / 100) {
                    p.add(where + ": " + arg.asText() + " leaves no room below the memory limit for the image heap,"
                            + " stacks and buffers");
                }
            }
        }
    }

    static void checkSelector(List<String> p, String where, JsonNode selector, JsonNode podLabels) {
        if (selector.isMissingNode() || selector.isEmpty()) {
            p.add(where + ": empty selector");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = selector.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().asText().equals(podLabels.path(e.getKey()).asText(null))) {
                p.add(where + ": selector " + e.getKey() + "=" + e.getValue().asText() + " matches no pod label");
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static final Pattern BUILD_OPTION = Pattern.compile("-D(quarkus\\.[A-Za-z0-9.-]+)=(\\S+)");

    /** The {@code -Dquarkus.*} options of a Dockerfile's Maven build (not native-image tuning, nor the
     *  ENTRYPOINT's run-time options): they fix build-time settings of the image, such as
     *  {@code quarkus.management.enabled}. */
    static Map<String, String> buildOptions(String dockerfile) {
        Map<String, String> options = new TreeMap<>();
        if (dockerfile != null) {
            String build = dockerfile.lines().filter(line -> !line.strip().startsWith("#"))
                    .collect(Collectors.joining("\n")).replace("\\\n", " ")
                    .lines().filter(instruction -> instruction.contains("mvnw")).collect(Collectors.joining(" "));
            Matcher option = BUILD_OPTION.matcher(build);
            while (option.find()) {
                if (!option.group(1).startsWith("quarkus.native.")) {
                    options.put(option.group(1), option.group(2));
                }
            }
        }
        return options;
    }

    static JsonNode container(JsonNode deployment) {
        JsonNode containers = deployment.path("spec").path("template").path("spec").path("containers");
        for (JsonNode c : containers) {
            if ("progress-hub".equals(c.path("name").asText())) {
                return c;
            }
        }
        return containers.path(0);
    }

    static JsonNode cloudRunContainer(Manifests m) {
        return m.cloudRun.path("spec").path("template").path("spec").path("containers").path(0);
    }

    static Map<String, JsonNode> secretEnv(JsonNode container) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode e : container.path("env")) {
            JsonNode ref = e.path("valueFrom").path("secretKeyRef");
            if (!ref.isMissingNode()) {
                out.put(e.path("name").asText(), ref);
            }
        }
        return out;
    }

    static Map<String, String> literalEnv(JsonNode container) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode e : container.path("env")) {
            if (e.has("value")) {
                out.put(e.path("name").asText(), e.path("value").asText());
            }
        }
        return out;
    }

    static Integer resolvePort(JsonNode port, Map<String, Integer> named) {
        if (port.isInt()) {
            return port.asInt();
        }
        if (port.isTextual() && port.asText().matches("\\d+")) {
            return Integer.parseInt(port.asText());
        }
        return named.get(port.asText());
    }

    /** Kubernetes quantity (Mi, Gi, M, G, Ki, k or plain bytes) in bytes. */
    static long bytes(String q) {
        Matcher m = Pattern.compile("(\\d+)([KMGT]i?|k)?").matcher(q.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a memory quantity: " + q);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        return switch (unit) {
            case "Ki" -> n << 10;
            case "Mi" -> n << 20;
            case "Gi" -> n << 30;
            case "Ti" -> n << 40;
            case "k", "K" -> n * 1_000L;
            case "M" -> n * 1_000_000L;
            case "G" -> n * 1_000_000_000L;
            case "T" -> n * 1_000_000_000_000L;
            default -> n;
        };
    }

    /** "3600", "3600s", "60m", "1h" (nginx time) in seconds. */
    static long seconds(String t) {
        Matcher m = Pattern.compile("(\\d+)\\s*([smh]?)").matcher(t.trim());
        if (!m.matches()) {
            return 0;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> n * 60;
            case "h" -> n * 3600;
            default -> n;
        };
    }

    static void assertNoProblems(List<String> problems) {
        assertTrue(problems.isEmpty(), () -> "deployment files drifted from the app:\n  - " + String.join("\n  - ", problems));
    }

    static void assertHasProblem(List<String> problems, String fragment) {
        assertTrue(problems.stream().anyMatch(s -> s.contains(fragment)),
                () -> "expected a problem mentioning '" + fragment + "', got " + problems);
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path projectRoot() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.exists(d.resolve("pom.xml")) && Files.isDirectory(d.resolve("deploy"))) {
                return d;
            }
        }
        throw new IllegalStateException("no project root (pom.xml + deploy/) above " + dir);
    }

    // ------------------------------------------------------------------ the app's side

    /** Effective prod configuration from application.properties, with Quarkus defaults. */
    record AppFacts(Map<String, String> props, Map<String, String> env) {

        static AppFacts load(Path file) {
            Properties raw = new Properties();
            if (Files.exists(file)) {
                try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    raw.load(r);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            Map<String, String> props = new LinkedHashMap<>();
            raw.stringPropertyNames().stream().filter(k -> !k.startsWith("%")).forEach(k -> props.put(k, raw.getProperty(k)));
            raw.stringPropertyNames().stream().filter(k -> k.startsWith("%prod."))
                    .forEach(k -> props.put(k.substring("%prod.".length()), raw.getProperty(k)));
            return new AppFacts(props, Map.of());
        }

        /** The image's build-time options, as given on the build's command line, win over the file. */
        AppFacts withBuildOptions(Map<String, String> options) {
            Map<String, String> copy = new LinkedHashMap<>(props);
            copy.putAll(options);
            return new AppFacts(copy, env);
        }

        AppFacts with(String key, String value) {
            Map<String, String> copy = new LinkedHashMap<>(props);
            copy.put(key, value);
            return new AppFacts(copy, env);
        }

        /** Literal env values set by a manifest override properties, as they do at run time. */
        AppFacts withEnv(Map<String, String> literal) {
            return new AppFacts(props, literal);
        }

        private static final Pattern EXPR = Pattern.compile("\\$\\{([^}:]+)(?::([^}]*))?}");

        String get(String key, String def) {
            String envName = key.toUpperCase().replaceAll("[^A-Z0-9]", "_");
            String v = env.containsKey(envName) ? env.get(envName) : props.getOrDefault(key, def);
            Matcher m = EXPR.matcher(v);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String ref = m.group(1);
                String resolved = env.containsKey(ref) ? env.get(ref)
                        : props.containsKey(ref) ? get(ref, "") : m.group(2) != null ? m.group(2) : "";
                m.appendReplacement(out, Matcher.quoteReplacement(resolved));
            }
            m.appendTail(out);
            return out.toString().trim();
        }

        /** ${NAME} (upper-case env references without a default) used by the effective properties. */
        Set<String> referencedEnv() {
            Set<String> out = new TreeSet<>();
            for (String v : props.values()) {
                Matcher m = EXPR.matcher(v);
                while (m.find()) {
                    if (m.group(2) == null && m.group(1).matches("[A-Z][A-Z0-9_]*")) {
                        out.add(m.group(1));
                    }
                }
            }
            return out;
        }

        int httpPort() {
            return Integer.parseInt(get("quarkus.http.port", "8080"));
        }

        boolean managementEnabled() {
            return Boolean.parseBoolean(get("quarkus.management.enabled", "false"));
        }

        int managementPort() {
            return Integer.parseInt(get("quarkus.management.port", "9000"));
        }

        int healthPort() {
            return managementEnabled() ? managementPort() : httpPort();
        }

        /** Root of the non-application endpoints (/q by default; the management root when enabled). */
        String nonAppRoot() {
            if (managementEnabled()) {
                return absolute("/", get("quarkus.management.root-path", "/q"));
            }
            String httpRoot = get("quarkus.http.root-path", "/");
            return absolute(httpRoot, get("quarkus.http.non-application-root-path", "q"));
        }

        String healthRoot() {
            return absolute(nonAppRoot(), get("quarkus.smallrye-health.root-path", "health"));
        }

        String livePath() {
            return absolute(healthRoot(), get("quarkus.smallrye-health.liveness-path", "live"));
        }

        String readyPath() {
            return absolute(healthRoot(), get("quarkus.smallrye-health.readiness-path", "ready"));
        }

        String startedPath() {
            return absolute(healthRoot(), get("quarkus.smallrye-health.startup-path", "started"));
        }

        String metricsPath() {
            return absolute(nonAppRoot(), get("quarkus.micrometer.export.prometheus.path", "metrics"));
        }

        long shutdownSeconds() {
            String timeout = get("quarkus.shutdown.timeout", "");
            long s = timeout.isEmpty() ? DEFAULT_APP_SHUTDOWN.toSeconds() : duration(timeout).toSeconds();
            if (Boolean.parseBoolean(get("quarkus.shutdown.delay-enabled", "false"))) {
                String delay = get("quarkus.shutdown.delay", "");
                s += delay.isEmpty() ? 0 : duration(delay).toSeconds();
            }
            return s;
        }

        /** Quarkus Duration: ISO-8601 (PT8S), a number of seconds, or number + ms/s/m/h/d. */
        static Duration duration(String v) {
            if (v.startsWith("P") || v.startsWith("p")) {
                return Duration.parse(v);
            }
            Matcher m = Pattern.compile("(\\d+)(ms|s|m|h|d)?").matcher(v);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a duration: " + v);
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2) == null ? "s" : m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofSeconds(n);
            };
        }

        /** Quarkus path resolution: an absolute path stands as is, a relative one goes under the parent. */
        static String absolute(String parent, String path) {
            String joined = path.startsWith("/") ? path : (parent.endsWith("/") ? parent : parent + "/") + path;
            return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
        }
    }

    // ------------------------------------------------------------------ the deployment side

    /** Every YAML document of deploy/kubernetes (and examples/), the Cloud Run service, the Prometheus scrape
     *  configuration and the Dockerfiles' text (mutable, for the detects* tests). */
    record Manifests(List<JsonNode> kubernetes, JsonNode cloudRun, JsonNode prometheus, Map<String, String> dockerfiles) {

        static final YAMLMapper YAML = new YAMLMapper();

        static Manifests load(Path root) {
            List<JsonNode> docs = new ArrayList<>();
            for (Path dir : List.of(root.resolve("deploy/kubernetes"), root.resolve("deploy/kubernetes/examples"))) {
                each(dir, docs::add);
            }
            List<JsonNode> cloudRun = new ArrayList<>();
            Path cr = root.resolve("deploy/cloudrun/service.yaml");
            if (Files.exists(cr)) {
                readAll(cr, cloudRun::add);
            }
            List<JsonNode> prometheus = new ArrayList<>();
            readAll(root.resolve("deploy/monitoring/prometheus-scrape.yaml"), prometheus::add);
            Map<String, String> dockerfiles = new LinkedHashMap<>();
            for (String name : List.of("Dockerfile.native-micro", "Dockerfile.jvm")) {
                Path file = root.resolve("src/main/docker").resolve(name);
                if (Files.exists(file)) {
                    dockerfiles.put(name, read(file));
                }
            }
            return new Manifests(docs, cloudRun.isEmpty() ? null : cloudRun.get(0), prometheus.get(0), dockerfiles);
        }

        private static void each(Path dir, Consumer<JsonNode> sink) {
            if (!Files.isDirectory(dir)) {
                return;
            }
            try (var files = Files.list(dir)) {
                files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted()
                        .forEach(f -> readAll(f, sink));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void readAll(Path file, Consumer<JsonNode> sink) {
            try (var parser = YAML.getFactory().createParser(file.toFile())) {
                var it = YAML.readValues(parser, JsonNode.class);
                while (it.hasNext()) {
                    JsonNode doc = it.next();
                    if (doc != null && doc.isObject()) {
                        sink.accept(doc);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot parse " + file, e);
            }
        }

        JsonNode k8s(String kind, String name) {
            return kubernetes.stream()
                    .filter(d -> kind.equals(d.path("kind").asText()) && name.equals(d.path("metadata").path("name").asText()))
                    .findFirst().orElse(null);
        }

        Manifests copy() {
            return new Manifests(kubernetes.stream().map(d -> (JsonNode) d.deepCopy()).toList(),
                    cloudRun == null ? null : (JsonNode) cloudRun.deepCopy(), prometheus.deepCopy(),
                    new LinkedHashMap<>(dockerfiles));
        }
    }
}
