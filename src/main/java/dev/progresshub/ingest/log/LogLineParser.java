package dev.progresshub.ingest.log;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.progresshub.domain.Event;
import dev.progresshub.domain.EventType;
import dev.progresshub.domain.InvalidEventException;
import dev.progresshub.ingest.EventReader;

/**
 * Reads one line of a process's output (CONTRACT section 4, seed 000) and says what it reports, as domain
 * events; an empty list when the line reports nothing. Pure: no state between lines, no I/O.
 *
 * <p>Recognized, in this order (ANSI escapes stripped first):
 * <ol>
 * <li>{@code PROGRESS:} markers: {@code Starting scrape of 150 artists} (start, total),
 * {@code Processing artist 45/150: Name} (any "-ing" verb and any noun: {@code Downloading video 3/10: x}),
 * {@code Completed scraping 150 artists} (complete);</li>
 * <li>a JSON object whose {@code type} is an ingest event type: that event;</li>
 * <li>a tqdm bar, with or without description, rate, elapsed and remaining; also tqdm's total-less
 * counter ({@code 45it [00:10, 4.50it/s]}).</li>
 * </ol>
 * A line that claims to be an event but breaks a rule throws ({@link InvalidEventException} or a
 * validation problem), so the caller can count it and go on.
 */
public final class LogLineParser {

    static final int MAX_NAME = 512;
    static final int MAX_TEXT = 4096;

    private static final Pattern ANSI = Pattern.compile(
            "\\x1B(?:\\[[0-?]*[ -/]*[@-~]|\\][^\\x07\\x1B]*(?:\\x07|\\x1B\\\\)?|[@-Z\\\\-_])|[\\x00-\\x08\\x0B-\\x1F\\x7F]");
    private static final String MARKER = "PROGRESS:";
    private static final Pattern START = Pattern.compile("^Starting\\b.*?\\b(\\d{1,18})\\s+\\S+");
    private static final Pattern WORKING = Pattern.compile(
            "^(\\p{L}+ing)\\s+(\\S+?)\\s+(\\d{1,18})\\s*/\\s*(\\d{1,18})(?:\\s*:\\s*(.*))?$");
    private static final Pattern DONE = Pattern.compile("^(?:Completed|Finished)\\b(?:.*?\\b(\\d{1,18})\\s+\\S+)?");
    private static final String COUNT = "(\\d+(?:\\.\\d+)?)([kMGTP]?)";
    private static final Pattern TQDM_BAR = Pattern.compile(
            "^(?:(.*?):\\s*)?\\d{1,3}%\\|[^|]*\\|\\s*" + COUNT + "/(?:" + COUNT + "|\\?)(?:\\s*\\[[^\\]]*\\])?$");
    private static final Pattern TQDM_COUNTER = Pattern.compile(
            "^(?:(.*?):\\s*)?" + COUNT + "[A-Za-z]*\\s+\\[\\d+:\\d{2}(?::\\d{2})?(?:,[^\\]]*)?\\]$");

    private final ObjectMapper mapper;
    private final EventReader events;

    public LogLineParser(ObjectMapper mapper, EventReader events) {
        this.mapper = mapper;
        this.events = events;
    }

    /** The events a raw line reports, validated; empty when it reports none. */
    public List<Event> parse(String rawLine) {
        String line = clean(rawLine);
        if (line.isEmpty()) {
            return List.of();
        }
        int marker = line.indexOf(MARKER);
        if (marker >= 0) {
            return validated(marker(line.substring(marker + MARKER.length()).strip()));
        }
        if (line.startsWith("{") && line.endsWith("}")) {
            return jsonEvent(line);
        }
        return validated(tqdm(line));
    }

    /** The line without ANSI escapes, other control characters and surrounding blanks. */
    static String clean(String rawLine) {
        return ANSI.matcher(rawLine).replaceAll("").strip();
    }

    private static List<Event> marker(String text) {
        Matcher start = START.matcher(text);
        if (start.find()) {
            long total = Long.parseLong(start.group(1));
            return List.of(Event.builder(EventType.JOB_START).total(total).message(clip(text, MAX_TEXT)).build(),
                    Event.builder(EventType.JOB_PROGRESS).total(total).phase(clip(text, MAX_TEXT)).build());
        }
        Matcher working = WORKING.matcher(text);
        if (working.matches()) {
            return List.of(working(working));
        }
        Matcher done = DONE.matcher(text);
        if (done.find()) {
            Event complete = Event.builder(EventType.JOB_COMPLETE).message(clip(text, MAX_TEXT)).build();
            if (done.group(1) == null) {
                return List.of(complete);
            }
            return List.of(Event.builder(EventType.JOB_PROGRESS).current(Long.parseLong(done.group(1)))
                    .phase(clip(text, MAX_TEXT)).build(), complete);
        }
        return List.of();
    }

    /** {@code Processing artist 45/150: Name} → current 45 of 150, phase "Processing artists (45/150)". */
    private static Event working(Matcher m) {
        long current = Long.parseLong(m.group(3));
        long total = Long.parseLong(m.group(4));
        String item = m.group(5) == null || m.group(5).isBlank() ? null : clip(m.group(5).strip(), MAX_NAME);
        return Event.builder(EventType.JOB_PROGRESS)
                .current(current).total(total)
                .phase(clip(m.group(1) + " " + plural(m.group(2)) + " (" + current + "/" + total + ")", MAX_TEXT))
                .details(item == null ? null : "Processing: " + item)
                .currentItem(item)
                .build();
    }

    private List<Event> jsonEvent(String line) {
        JsonNode node;
        try {
            node = mapper.readTree(line);
        } catch (IOException e) {
            return List.of();
        }
        JsonNode type = node.get("type");
        if (!node.isObject() || type == null || !type.isTextual() || !isIngestType(type.asText())) {
            return List.of();
        }
        return List.of(events.read(node, ""));
    }

    private static boolean isIngestType(String type) {
        try {
            EventType.fromIngest(type);
            return true;
        } catch (InvalidEventException e) {
            return false;
        }
    }

    private static List<Event> tqdm(String line) {
        Matcher bar = TQDM_BAR.matcher(line);
        if (bar.matches()) {
            Long total = bar.group(4) == null ? null : count(bar.group(4), bar.group(5));
            return List.of(tqdmProgress(bar.group(1), count(bar.group(2), bar.group(3)), total));
        }
        Matcher counter = TQDM_COUNTER.matcher(line);
        if (counter.matches()) {
            return List.of(tqdmProgress(counter.group(1), count(counter.group(2), counter.group(3)), null));
        }
        return List.of();
    }

    private static Event tqdmProgress(String description, long current, Long total) {
        String phase = description == null || description.isBlank() ? null : clip(description.strip(), MAX_TEXT);
        return Event.builder(EventType.JOB_PROGRESS).current(current).total(total).phase(phase).build();
    }

    /** tqdm's unit_scale counts: "4.5k" → 4500. */
    private static long count(String number, String scale) {
        int power = "kMGTP".indexOf(scale.isEmpty() ? ' ' : scale.charAt(0)) + 1;
        return Math.round(Double.parseDouble(number) * Math.pow(1000, power));
    }

    private static String plural(String noun) {
        if (noun.endsWith("s")) {
            return noun;
        }
        if (noun.length() > 1 && noun.endsWith("y") && "aeiou".indexOf(noun.charAt(noun.length() - 2)) < 0) {
            return noun.substring(0, noun.length() - 1) + "ies";
        }
        return noun + "s";
    }

    private static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }

    private List<Event> validated(List<Event> parsed) {
        parsed.forEach(events::validate);
        return parsed;
    }
}
