package dev.progresshub.ingest.log;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Cuts a byte stream into lines at {@code \n} and {@code \r} (so tqdm's carriage-return redraws are lines
 * too), holding at most one line of at most {@code maxLineBytes}: a longer line is dropped and counted, so
 * an endless upload never grows memory. Blank lines are skipped. Not thread-safe: one per upload.
 */
final class LineSplitter {

    private final int maxLineBytes;
    private byte[] line = new byte[256];
    private int length;
    private boolean overlong;
    private long overlongLines;

    LineSplitter(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    void feed(byte[] chunk, Consumer<String> onLine) {
        for (byte b : chunk) {
            if (b == '\n' || b == '\r') {
                endLine(onLine);
            } else {
                append(b);
            }
        }
    }

    /** The body ended: a last line without a line break still counts. */
    void finish(Consumer<String> onLine) {
        endLine(onLine);
    }

    long overlongLines() {
        return overlongLines;
    }

    private void append(byte b) {
        if (overlong) {
            return;
        }
        if (length == maxLineBytes) {
            overlong = true;
            return;
        }
        if (length == line.length) {
            line = Arrays.copyOf(line, Math.min(maxLineBytes, line.length * 2));
        }
        line[length++] = b;
    }

    private void endLine(Consumer<String> onLine) {
        if (overlong) {
            overlongLines++;
        } else if (length > 0) {
            onLine.accept(new String(line, 0, length, StandardCharsets.UTF_8));
        }
        overlong = false;
        length = 0;
    }
}
