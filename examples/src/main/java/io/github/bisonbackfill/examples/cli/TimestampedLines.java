package io.github.bisonbackfill.examples.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * A stream that starts every line with an ISO-8601 timestamp and a space
 * ({@code 2026-11-30T16:00:00.123Z ...}): the CLI's progress lines on standard error get the same
 * time stamps as its log lines (slf4j-simple, {@code simplelogger.properties}). Not thread-safe on
 * its own: wrapped in a {@link PrintStream}, which synchronises.
 */
final class TimestampedLines extends FilterOutputStream {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(ZoneOffset.UTC);
    private final Clock clock;
    private boolean atLineStart = true;

    private TimestampedLines(OutputStream out, Clock clock) {
        super(out);
        this.clock = clock;
    }

    /**
     * @param target where the lines go (not closed by closing the result)
     * @param clock  the clock of the stamps
     * @return a print stream that stamps every line written to it
     */
    static PrintStream wrap(PrintStream target, Clock clock) {
        return new PrintStream(new TimestampedLines(target, clock), true, StandardCharsets.UTF_8);
    }

    @Override
    public void write(int b) throws IOException {
        if (atLineStart) {
            out.write((FORMAT.format(clock.instant().truncatedTo(ChronoUnit.MILLIS)) + " ").getBytes(StandardCharsets.UTF_8));
            atLineStart = false;
        }
        out.write(b);
        if (b == '\n') {
            atLineStart = true;
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    @Override
    public void close() throws IOException {
        flush();
    }
}
