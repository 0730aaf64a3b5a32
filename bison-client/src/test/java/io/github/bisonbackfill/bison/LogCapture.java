package io.github.bisonbackfill.bison;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what slf4j-simple writes (it is configured to write to {@code System.err}, looked up at
 * each write) while a block runs.
 */
final class LogCapture {
    private LogCapture() {
    }

    /** What a block logged and threw. */
    record Result(String log, Throwable thrown) {
    }

    interface Block {
        void run() throws Exception;
    }

    static synchronized Result capture(Block block) {
        PrintStream original = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Throwable thrown = null;
        try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            System.setErr(capture);
            try {
                block.run();
            } catch (Exception | AssertionError e) {
                thrown = e;
            } finally {
                System.setErr(original);
            }
        }
        if (thrown instanceof AssertionError assertion) {
            throw assertion;
        }
        return new Result(buffer.toString(StandardCharsets.UTF_8), thrown);
    }
}
