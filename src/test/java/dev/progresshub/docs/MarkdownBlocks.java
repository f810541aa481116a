package dev.progresshub.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The fenced code blocks of a Markdown file. The fence's info string is a language and optional flags
 * (GitHub shows only the language): {@code ```bash} runs, {@code ```bash norun} never runs (it starts the
 * service, builds, or needs Docker, kubectl, gcloud …), {@code ```bash client} / {@code ```python client}
 * run only where the Python client's sources ({@code clients/python/src}) exist.
 */
record MarkdownBlocks(Path file, List<Block> blocks) {

    static final Set<String> SHELL = Set.of("bash", "sh", "shell");

    record Block(Path file, int line, String language, Set<String> flags, String text) {

        boolean shell() {
            return SHELL.contains(language);
        }

        boolean python() {
            return language.equals("python");
        }

        boolean norun() {
            return flags.contains("norun");
        }

        boolean needsClient() {
            return flags.contains("client");
        }

        String where() {
            return file + ":" + line;
        }
    }

    static MarkdownBlocks read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String fence = lines.get(i).strip();
            if (!fence.startsWith("```")) {
                continue;
            }
            String[] info = fence.substring(3).strip().split("\\s+");
            int start = i + 1;
            StringBuilder text = new StringBuilder();
            for (i = start; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
                text.append(lines.get(i)).append('\n');
            }
            if (i == lines.size()) {
                throw new IllegalStateException(file + ":" + start + ": a code block is never closed");
            }
            String language = info[0].toLowerCase();
            Set<String> flags = Arrays.stream(info).skip(1).collect(Collectors.toUnmodifiableSet());
            blocks.add(new Block(file, start, language, flags, text.toString()));
        }
        return new MarkdownBlocks(file, List.copyOf(blocks));
    }
}
