package dev.progresshub.ingest.log;

import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.progresshub.domain.Event;
import dev.progresshub.domain.EventType;
import dev.progresshub.domain.InvalidEventException;
import dev.progresshub.errors.ProblemException;
import dev.progresshub.domain.DomainLimits;
import dev.progresshub.ingest.EventReader;

class LogLineParserTest {

    private static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule());
    private final LogLineParser parser = new LogLineParser(MAPPER, new EventReader(MAPPER, DomainLimits.DEFAULTS, Clock.systemUTC()));

    private Event only(String line) {
        List<Event> events = parser.parse(line);
        assertEquals(1, events.size(), () -> "events of '" + line + "': " + events);
        return events.getFirst();
    }

    @Test
    void startMarkerStartsTheJobWithItsTotal() {
        List<Event> events = parser.parse("PROGRESS: Starting scrape of 150 artists");
        assertEquals(EventType.JOB_START, events.get(0).type());
        assertEquals(150L, events.get(0).total());
        assertEquals("Starting scrape of 150 artists", events.get(0).message());
        assertEquals(EventType.JOB_PROGRESS, events.get(1).type());
        assertEquals("Starting scrape of 150 artists", events.get(1).phase());
    }

    @Test
    void processingMarkerGivesCurrentTotalPhaseDetailsAndItem() {
        Event e = only("PROGRESS: Processing artist 45/150: Artist Name");
        assertEquals(EventType.JOB_PROGRESS, e.type());
        assertEquals(45L, e.current());
        assertEquals(150L, e.total());
        assertEquals("Processing artists (45/150)", e.phase());
        assertEquals("Processing: Artist Name", e.details());
        assertEquals("Artist Name", e.currentItem());
    }

    @Test
    void markerWordsBeyondArtistWork() {
        Event file = only("PROGRESS: Processing file 3/10: a.wav");
        assertEquals(3L, file.current());
        assertEquals("Processing files (3/10)", file.phase());
        assertEquals("a.wav", file.currentItem());
        Event video = only("PROGRESS: Downloading video 7/20: Intro: part 1");
        assertEquals("Downloading videos (7/20)", video.phase());
        assertEquals("Intro: part 1", video.currentItem());
        assertEquals("Processing entries (1/2)", only("PROGRESS: Processing entry 1/2").phase());
        assertEquals(100L, parser.parse("PROGRESS: Starting download of 100 files").getFirst().total());
    }

    @Test
    void processingWithoutANameHasNoItem() {
        Event e = only("PROGRESS: Processing artist 2/150");
        assertEquals(2L, e.current());
        assertNull(e.currentItem());
        assertNull(e.details());
    }

    @Test
    void completedMarkerCompletesAfterCountingTheFinishedItems() {
        List<Event> events = parser.parse("PROGRESS: Completed scraping 150 artists");
        assertEquals(EventType.JOB_PROGRESS, events.get(0).type());
        assertEquals(150L, events.get(0).current());
        assertEquals(EventType.JOB_COMPLETE, events.get(1).type());
        assertEquals("Completed scraping 150 artists", events.get(1).message());
        assertEquals(EventType.JOB_COMPLETE, only("PROGRESS: Completed").type());
    }

    @Test
    void markersAreFoundAfterALogPrefixAndAnsiColours() {
        Event e = only("2026-11-23 10:00:01 INFO \u001B[32mPROGRESS: Processing artist 5/9: Björk\u001B[0m");
        assertEquals(5L, e.current());
        assertEquals("Björk", e.currentItem());
    }

    @Test
    void jsonLinesThatAreEventsBecomeThoseEvents() {
        Event e = only("{\"type\":\"file_complete\",\"stage\":\"denoise\",\"item\":\"audio001.wav\",\"data\":{\"ok\":true}}");
        assertEquals(EventType.ITEM_COMPLETE, e.type());
        assertEquals("denoise", e.stage());
        assertEquals("audio001.wav", e.item());
        assertEquals(EventType.STAGE_PROGRESS,
                only("  {\"type\":\"stage_progress\",\"stage\":\"x\",\"completed\":10}  ").type());
    }

    @Test
    void jsonLinesThatAreNotEventsAreIgnored() {
        assertTrue(parser.parse("{\"level\":\"info\",\"msg\":\"hello\"}").isEmpty());
        assertTrue(parser.parse("{\"type\":\"http_request\",\"path\":\"/\"}").isEmpty());
        assertTrue(parser.parse("{\"type\":\"job_stalled\"}").isEmpty(), "service-written types are not ingested");
        assertTrue(parser.parse("{not json}").isEmpty());
        assertTrue(parser.parse("[1,2]").isEmpty());
    }

    @Test
    void brokenEventLinesThrowSoTheyAreCounted() {
        assertThrows(InvalidEventException.class, () -> parser.parse("{\"type\":\"item_fail\",\"item\":\"a\"}"));
        assertThrows(ProblemException.class, () -> parser.parse("{\"type\":\"job_progress\",\"current\":\"many\"}"));
        assertThrows(InvalidEventException.class, () -> parser.parse("{\"type\":\"job_progress\",\"current\":-1}"));
    }

    @Test
    void tqdmBarWithDescriptionRateElapsedAndRemaining() {
        Event e = only("Scraping:  45%|████▌     | 45/100 [00:10<00:12,  4.50it/s]");
        assertEquals(EventType.JOB_PROGRESS, e.type());
        assertEquals(45L, e.current());
        assertEquals(100L, e.total());
        assertEquals("Scraping", e.phase());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            " 45%|████▌     | 45/100 [00:10<00:12,  4.50it/s]",
            " 45%|####5     | 45/100 [00:10<00:12]",
            " 45%|████▌     | 45/100",
            "desc with: colon:  45%|████▌ | 45/100 [01:02:03<00:12, 2.22s/it]",
            " 45%|████▌     | 45/100 [00:10<00:12,  4.50it/s, loss=0.31]",
            " 45%|████▌     | 45/100 [00:10<?, ?it/s]" })
    void tqdmBarVariants(String line) {
        Event e = only(line);
        assertEquals(45L, e.current());
        assertEquals(100L, e.total());
    }

    @Test
    void tqdmBarWithoutDescriptionHasNoPhase() {
        assertNull(only("100%|██████████| 100/100 [00:22<00:00,  4.50it/s]").phase());
    }

    @Test
    void tqdmUnitScaleAndUnknownTotal() {
        Event scaled = only("Downloading:  45%|████▌     | 4.5k/10.0k [00:10<00:12, 450B/s]");
        assertEquals(4500L, scaled.current());
        assertEquals(10000L, scaled.total());
        Event counter = only("Crawling: 45it [00:10,  4.50it/s]");
        assertEquals(45L, counter.current());
        assertNull(counter.total());
        assertEquals("Crawling", counter.phase());
        assertEquals(12L, only("12files [00:03]").current());
    }

    @Test
    void tqdmRedrawAfterCarriageReturnAndColoursIsStillABar() {
        assertEquals(7L, only("\u001B[A\u001B[2K 7%|▋         | 7/100 [00:01<00:13,  7.00it/s]").current());
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "   ", "Fetching https://example.org/artist/45", "PROGRESS: Saving results",
            "PROGRESS: Starting", "Progress: 45%", "45/100", "Total: 45 of 100 done", "Completed 3 artists",
            "\u001B[0m", "error: something 12/13 failed" })
    void otherLinesReportNothing(String line) {
        assertTrue(parser.parse(line).isEmpty(), () -> "'" + line + "' reported " + parser.parse(line));
    }

    @Test
    void overlongNamesAreClippedNotRefused() {
        String name = "n".repeat(2000);
        Event e = only("PROGRESS: Processing artist 1/2: " + name);
        assertEquals(LogLineParser.MAX_NAME, e.currentItem().length());
    }

    @Test
    void cleanStripsEscapesAndControlCharacters() {
        assertEquals("bold text", LogLineParser.clean("\u001B[1mbold\u001B[0m\u0007 text\u001B]0;title\u0007"));
    }
}
