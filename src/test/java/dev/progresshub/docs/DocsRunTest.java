package dev.progresshub.docs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.progresshub.docs.MarkdownBlocks.Block;
import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The docs run as written: every shell block of README.md and docs/seeds.md runs, in order, in bash against
 * this test's service, and every sample answer ({@code # -> …}) must match what the command before it
 * printed. The only rewrites: the dev-mode address ({@code http://localhost:8080}) and the dev admin token
 * become this test's. Blocks marked {@code norun} are skipped on purpose (they start the service, build,
 * deploy or benchmark); blocks marked {@code client} run only where clients/python/src exists, with that
 * folder on PYTHONPATH and a {@code progress-hub} command on PATH. See {@link MarkdownBlocks} for the marks.
 * Scripts and their output: target/docs-run/.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class DocsRunTest {

    private static final Path OUT = Path.of("target", "docs-run");
    private static final Path CLIENT_SOURCES = Path.of("clients", "python", "src");
    private static final String DEV_URL = "http://localhost:8080";
    private static final String DEV_ADMIN_TOKEN = "dev-admin-token";
    private static final long RUN_LIMIT_SECONDS = 300;
    /** {@code progress-hub = "package.module:function"} in the client's pyproject.toml. */
    private static final Pattern CLI_ENTRY = Pattern.compile("(?m)^\\s*progress-hub\\s*=\\s*\"([\\w.]+):(\\w+)\"");

    @TestHTTPResource("/")
    URL root;

    @Test
    void readmeRunsAsWritten() throws Exception {
        run(Path.of("README.md"));
    }

    @Test
    void everySeedFlowRunsAsWritten() throws Exception {
        run(Path.of("docs", "seeds.md"));
    }

    /** The marks are honoured: a reader sees which blocks are not run, and why (a comment in the block). */
    @Test
    void blocksThatAreNotRunSayWhy() {
        for (Path doc : List.of(Path.of("README.md"), Path.of("docs", "seeds.md"))) {
            for (Block block : MarkdownBlocks.read(doc).blocks()) {
                if (block.norun()) {
                    assertTrue(block.text().stripLeading().startsWith("#"),
                            block.where() + ": a norun block starts with a comment saying why it is not run here");
                }
                assertFalse(block.shell() && block.text().contains("jq -r "),
                        block.where() + ": use jq -er, so a missing field fails loudly instead of yielding \"null\"");
            }
        }
    }

    private void run(Path doc) throws Exception {
        requireTools();
        String name = doc.getFileName().toString().replace(".md", "");
        Path background = OUT.resolve(name + "-background.log").toAbsolutePath();
        Files.createDirectories(OUT);
        Files.deleteIfExists(background);
        DocScript script = new DocScript(background);
        List<String> skipped = new ArrayList<>();
        boolean clientThere = Files.isDirectory(CLIENT_SOURCES);
        for (Block block : MarkdownBlocks.read(doc).blocks()) {
            if (!(block.shell() || block.python()) || block.norun()) {
                continue;
            }
            if (block.needsClient() && !clientThere) {
                skipped.add(block.where());
            } else if (block.python() && !block.needsClient()) {
                fail(block.where() + ": a python block runs with the client only; mark it `python client`");
            } else {
                script.add(block);
            }
        }
        if (!skipped.isEmpty()) {
            System.err.printf("%n*** %s: %s needs the Python client (%s is missing): not run ***%n%n",
                    doc, skipped, CLIENT_SOURCES);
        }
        assertFalse(script.blocks().isEmpty(), doc + " has blocks to run");
        String text = script.text().replace(DEV_URL, baseUrl()).replace(DEV_ADMIN_TOKEN, Api.ADMIN_TOKEN);
        Path file = OUT.resolve(name + ".sh");
        Files.writeString(file, text);

        Output output = execute(file, name);
        int lastBlock = output.lastBlock();
        if (output.exit() != 0) {
            Block failed = script.blocks().get(Math.max(lastBlock, 0));
            fail(doc + ": the block at " + failed.where() + " failed (exit " + output.exit() + ").\nstderr:\n"
                    + output.stderr() + "\nstdout (tail):\n" + tail(output.stdout()));
        }
        List<String> problems = new ArrayList<>();
        for (DocScript.Sample sample : script.samples()) {
            String printed = output.beforeSample(sample.number());
            for (String difference : SampleAnswer.differences(sample.text(), printed)) {
                problems.add(sample.where() + " " + difference);
            }
        }
        assertTrue(problems.isEmpty(), doc + ": sample answers that differ from the real ones:\n  "
                + String.join("\n  ", problems));
        assertTrue(script.samples().size() >= 3, doc + " shows sample answers");
        if (script.text().contains("$DOCS_BACKGROUND_LOG")) {
            assertTrue(Files.readString(background).contains("data:"),
                    doc + ": the streams started in the background delivered messages; see " + background);
        }
    }

    /** The docs assume bash, curl, jq and python3, as a reader's machine has them. */
    private static void requireTools() throws IOException, InterruptedException {
        Process check = new ProcessBuilder("bash", "-c", "for t in curl jq python3; do command -v $t >/dev/null || echo $t; done")
                .redirectErrorStream(true).start();
        String missing = new String(check.getInputStream().readAllBytes()).strip();
        check.waitFor();
        if (!missing.isEmpty()) {
            String message = "the docs need " + missing.replace('\n', ' ') + " on PATH";
            if (System.getenv("CI") != null) {
                fail(message);
            }
            Assumptions.abort("SKIPPED: " + message);
        }
    }

    private Output execute(Path file, String name) throws IOException, InterruptedException {
        Path stdout = OUT.resolve(name + ".out");
        Path stderr = OUT.resolve(name + ".err");
        ProcessBuilder builder = new ProcessBuilder("bash", file.toString())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        if (Files.isDirectory(CLIENT_SOURCES)) {
            builder.environment().put("PYTHONPATH", CLIENT_SOURCES.toAbsolutePath().toString());
            builder.environment().put("PATH", clientCommandDir() + ":" + System.getenv("PATH"));
        }
        Process process = builder.start();
        if (!process.waitFor(RUN_LIMIT_SECONDS, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            fail(file + " did not finish within " + RUN_LIMIT_SECONDS + " s; output so far:\n" + tail(Files.readString(stdout)));
        }
        return new Output(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }

    /** A {@code progress-hub} command as {@code pip install ./clients/python} would install it. */
    private static Path clientCommandDir() throws IOException {
        Path bin = OUT.resolve("bin").toAbsolutePath();
        Files.createDirectories(bin);
        Path pyproject = Path.of("clients", "python", "pyproject.toml");
        String call = "import runpy; runpy.run_module('progresshub', run_name='__main__')";
        if (Files.exists(pyproject)) {
            Matcher entry = CLI_ENTRY.matcher(Files.readString(pyproject));
            if (entry.find()) {
                call = "import sys; from " + entry.group(1) + " import " + entry.group(2) + "; sys.exit(" + entry.group(2) + "())";
            }
        }
        Path command = bin.resolve("progress-hub");
        Files.writeString(command, "#!/bin/sh\nexec python3 -c \"" + call + "\" \"$@\"\n");
        command.toFile().setExecutable(true);
        return bin;
    }

    private String baseUrl() {
        String url = root.toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : "…" + text.substring(text.length() - 4000);
    }

    record Output(int exit, String stdout, String stderr) {

        int lastBlock() {
            int at = stdout.lastIndexOf(DocScript.BLOCK_MARKER);
            if (at < 0) {
                return -1;
            }
            String rest = stdout.substring(at + DocScript.BLOCK_MARKER.length()).lines().findFirst().orElse("-1");
            return Integer.parseInt(rest.strip());
        }

        /** The last line printed before the sample's marker, since the previous marker of any kind. */
        String beforeSample(int number) {
            String marker = DocScript.SAMPLE_MARKER + number + "\n";
            int end = stdout.indexOf(marker);
            if (end < 0) {
                return "(the run never reached this sample)";
            }
            List<String> lines = stdout.substring(0, end).lines().toList();
            for (int i = lines.size() - 1; i >= 0; i--) {
                String line = lines.get(i);
                if (line.startsWith("@@docs-")) {
                    break;
                }
                if (!line.isBlank()) {
                    return line;
                }
            }
            return "(the command printed nothing)";
        }
    }
}
