package dev.progresshub.ingest.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class LineSplitterTest {

    private final List<String> lines = new ArrayList<>();

    private void feed(LineSplitter splitter, String text) {
        splitter.feed(text.getBytes(StandardCharsets.UTF_8), lines::add);
    }

    @Test
    void splitsOnNewlineAndCarriageReturnAcrossChunks() {
        LineSplitter splitter = new LineSplitter(64);
        feed(splitter, "one\r\ntw");
        feed(splitter, "o\r 10%|█|\r 20%|██|\nlast");
        splitter.finish(lines::add);
        assertEquals(List.of("one", "two", " 10%|█|", " 20%|██|", "last"), lines);
    }

    @Test
    void multiByteCharactersSplitBetweenChunksSurvive() {
        LineSplitter splitter = new LineSplitter(64);
        byte[] bytes = "Björk\n".getBytes(StandardCharsets.UTF_8);
        splitter.feed(java.util.Arrays.copyOfRange(bytes, 0, 3), lines::add);
        splitter.feed(java.util.Arrays.copyOfRange(bytes, 3, bytes.length), lines::add);
        assertEquals(List.of("Björk"), lines);
    }

    @Test
    void overlongLinesAreDroppedAndCountedWithoutBuffering() {
        LineSplitter splitter = new LineSplitter(8);
        feed(splitter, "short\n" + "x".repeat(100_000) + "\nexactly8\nnext");
        splitter.finish(lines::add);
        assertEquals(List.of("short", "exactly8", "next"), lines);
        assertEquals(1, splitter.overlongLines());
    }
}
