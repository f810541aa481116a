package dev.progresshub.docs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.progresshub.docs.MarkdownBlocks.Block;

/**
 * The runnable blocks of one document as one bash script, run in order in one shell (later blocks use the
 * variables of earlier ones, as a reader's terminal does). What the script changes, and nothing else:
 * <ul>
 * <li>{@code set -euo pipefail}: a failing command (a {@code jq -er} that finds no token …) stops the run;</li>
 * <li>a sample answer line {@code # -> …} becomes a marker in the output, so the output of the command
 * just above it can be compared with the sample;</li>
 * <li>a command sent to the background ({@code … &}) writes to a side file instead of the terminal, so a
 * live stream's lines never mix with the answers being compared;</li>
 * <li>Python blocks run with {@code python3}, and background jobs still running at the end are stopped.</li>
 * </ul>
 */
final class DocScript {

    static final String SAMPLE_MARKER = "@@docs-sample ";
    static final String BLOCK_MARKER = "@@docs-block ";
    private static final Pattern SAMPLE = Pattern.compile("^\\s*# (->|→)\\s?(.*)$");
    private static final Pattern SAMPLE_CONTINUATION = Pattern.compile("^\\s*#\\s{2,}(.*)$");
    private static final Pattern BACKGROUND = Pattern.compile("^(.*[^&\\s])\\s*&(?!&)\\s*(#.*)?$");

    record Sample(int number, Block block, int line, String text) {

        String where() {
            return block.file() + ":" + line;
        }
    }

    private final StringBuilder script = new StringBuilder();
    private final List<Sample> samples = new ArrayList<>();
    private final List<Block> blocks = new ArrayList<>();

    DocScript(Path backgroundLog) {
        script.append("set -euo pipefail\n")
                .append("DOCS_BACKGROUND_LOG='").append(backgroundLog).append("'\n")
                .append("trap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n");
    }

    List<Sample> samples() {
        return samples;
    }

    List<Block> blocks() {
        return blocks;
    }

    void add(Block block) {
        blocks.add(block);
        script.append("printf '\\n").append(BLOCK_MARKER).append(blocks.size() - 1).append("\\n'\n");
        if (block.python()) {
            script.append("python3 - <<'DOCS_PYTHON_EOF'\n").append(block.text()).append("DOCS_PYTHON_EOF\n");
            return;
        }
        List<String> lines = block.text().lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            Matcher sample = SAMPLE.matcher(lines.get(i));
            if (sample.matches()) {
                int line = block.line() + i + 1;
                StringBuilder text = new StringBuilder(sample.group(2));
                while (i + 1 < lines.size() && SAMPLE_CONTINUATION.matcher(lines.get(i + 1)).matches()) {
                    Matcher more = SAMPLE_CONTINUATION.matcher(lines.get(++i));
                    more.matches();
                    text.append(more.group(1));
                }
                samples.add(new Sample(samples.size(), block, line, text.toString()));
                script.append("printf '\\n").append(SAMPLE_MARKER).append(samples.size() - 1).append("\\n'\n");
                continue;
            }
            Matcher background = BACKGROUND.matcher(lines.get(i));
            if (background.matches() && !lines.get(i).stripLeading().startsWith("#")) {
                script.append(background.group(1)).append(" >>\"$DOCS_BACKGROUND_LOG\" 2>&1 &\n");
            } else {
                script.append(lines.get(i)).append('\n');
            }
        }
    }

    String text() {
        return script.toString();
    }

    void writeTo(Path file) throws java.io.IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text());
    }
}
