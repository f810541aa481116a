import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where a native start's CPU goes, from {@code perf script} of {@code bench/coldstart-profile.sh} on stdin:
 * the samples per thread, the main thread's per Quarkus start step (the frames ApplicationImpl.doStart
 * calls), the configuration's parts, and the hottest frames. Needs an executable built with frame pointers
 * and symbols, else the stacks stop at the first Java frame.
 */
public class StartProfile {

    /** GraalVM appends a hash to every symbol; a recorded step also carries a number of its own. */
    private static final Pattern SYMBOL_HASH = Pattern.compile("_[A-Za-z0-9-]{20,}$");
    private static final Pattern STEP_NUMBER = Pattern.compile("\\d{6,}_deploy(_\\d+)?$");

    private record Sample(String thread, List<String> frames) {
    }

    public static void main(String[] args) throws Exception {
        List<Sample> samples = read();
        int total = samples.size();
        System.out.printf("%,d samples of the process's CPU%n", total);
        print("by thread (perf keeps a thread name's first 15 characters)", count(samples, s -> s.thread()), total, 8);
        List<Sample> start = samples.stream().filter(s -> index(s, "ApplicationImpl_doStart") >= 0).toList();
        print("the main thread's start, by step (the frame ApplicationImpl.doStart calls)",
                count(start, s -> step(s.frames().get(Math.max(0, index(s, "ApplicationImpl_doStart") - 1)))),
                total, 12);
        List<Sample> config = samples.stream().filter(s -> index(s, "Config_readConfig") >= 0).toList();
        print("inside the run-time configuration's start (Config.readConfig)",
                count(config, s -> below(s, "Config_readConfig", 3)), total, 10);
        print("hottest frames (self)", count(samples, s -> s.frames().isEmpty() ? "?" : s.frames().getFirst()),
                total, 15);
    }

    private static List<Sample> read() throws Exception {
        List<Sample> samples = new ArrayList<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Sample current = null;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.isBlank()) {
                current = null;
            } else if (!Character.isWhitespace(line.charAt(0))) {
                current = new Sample(line.strip().split("\\s+\\d+\\s")[0], new ArrayList<>());
                samples.add(current);
            } else if (current != null) {
                String[] parts = line.strip().split("\\s+", 2);
                if (parts.length == 2) {
                    current.frames().add(SYMBOL_HASH.matcher(parts[1].replaceAll("\\+0x[0-9a-f]+.*$", "").strip())
                            .replaceAll(""));
                }
            }
        }
        return samples;
    }

    private static int index(Sample sample, String prefix) {
        for (int i = 0; i < sample.frames().size(); i++) {
            if (sample.frames().get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    /** The frames just under {@code prefix}, outermost first. */
    private static String below(Sample sample, String prefix, int depth) {
        int at = index(sample, prefix);
        List<String> path = new ArrayList<>();
        for (int i = at - 1; i >= Math.max(0, at - depth); i--) {
            path.add(sample.frames().get(i));
        }
        return path.isEmpty() ? "(itself)" : String.join(" > ", path);
    }

    private static String step(String frame) {
        return STEP_NUMBER.matcher(frame).replaceAll("");
    }

    private static Map<String, Integer> count(List<Sample> samples, java.util.function.Function<Sample, String> key) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        samples.forEach(s -> counts.merge(key.apply(s), 1, Integer::sum));
        return counts;
    }

    private static void print(String title, Map<String, Integer> counts, int total, int rows) {
        System.out.printf("%n%s:%n", title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(rows)
                .forEach(e -> System.out.printf("  %5.1f %%  %s%n", 100.0 * e.getValue() / total,
                        e.getKey().length() > 160 ? e.getKey().substring(0, 160) + "…" : e.getKey()));
    }
}
