package dev.progresshub.read;

import java.io.IOException;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.progresshub.jobs.JobEventEntity;
import dev.progresshub.jobs.JobEventRepository;
import dev.progresshub.jobs.JobKey;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Renders a whole timeline as NDJSON or CSV, a page at a time, so memory stays flat for any length;
 * {@link TimelineExportRoute} writes the pages as the client takes them.
 */
@ApplicationScoped
public class TimelineExport {

    private static final int PAGE = 1000;
    /** Every scalar field an event can carry (CONTRACT section 3); maps and free data go in the JSON "data" cell. */
    private static final String[] CSV_COLUMNS = { "id", "type", "stage", "item", "worker", "seq", "at",
            "message", "error", "current", "total", "completed", "failed", "phase", "details", "currentItem",
            "errorClass", "status", "batchInfo", "lastProcessedId", "level" };

    private final JobEventRepository events;
    private final ObjectMapper mapper;

    TimelineExport(JobEventRepository events, ObjectMapper mapper) {
        this.events = events;
        this.mapper = mapper;
    }

    /** One page of the export: its text, the last event id in it, and whether more may follow. */
    public record Page(String text, long lastId, boolean more) {
    }

    /** What the export starts with: the CSV header line, nothing for NDJSON. */
    public static String header(boolean csv) {
        return csv ? String.join(",", CSV_COLUMNS) + ",data\n" : "";
    }

    /** The events after {@code after}, rendered; reads one page in its own transaction. */
    public Page page(JobKey key, String type, String stage, boolean csv, long after) throws IOException {
        List<JobEventEntity> page = QuarkusTransaction.requiringNew().call(() -> events.timeline(key, after, type, stage,
                PAGE));
        StringBuilder text = new StringBuilder();
        long last = after;
        for (JobEventEntity event : page) {
            text.append(csv ? csvLine(event.body) : event.body + "\n");
            last = event.id;
        }
        return new Page(text.toString(), last, page.size() == PAGE);
    }

    private String csvLine(String json) throws IOException {
        JsonNode node = mapper.readTree(json);
        StringBuilder line = new StringBuilder();
        for (String column : CSV_COLUMNS) {
            JsonNode value = node.get(column);
            line.append(value == null || value.isNull() ? "" : csvCell(value.asText())).append(',');
        }
        JsonNode data = node.get("data");
        line.append(data == null ? "" : csvCell(toJson(data))).append('\n');
        return line.toString();
    }

    private String toJson(JsonNode data) throws JsonProcessingException {
        return mapper.writeValueAsString(data);
    }

    /** RFC 4180 quoting; a leading formula character is defused so spreadsheets show it as text. */
    private static String csvCell(String value) {
        String safe = !value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")) {
            return "\"" + safe.replace("\"", "\"\"") + "\"";
        }
        return safe;
    }
}
