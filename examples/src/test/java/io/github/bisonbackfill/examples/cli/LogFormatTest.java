package io.github.bisonbackfill.examples.cli;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The log binding the CLI ships (slf4j-simple, simplelogger.properties): every line on stderr, time-stamped. */
class LogFormatTest {
    @Test
    void everyLogLine_goesToStandardError_withAnIsoTimestamp() {
        PrintStream realErr = System.err;
        PrintStream realOut = System.out;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            Logger log = LoggerFactory.getLogger("io.github.bisonbackfill.bison.BisonClient");
            log.warn("workspace context changed under the reader");
            log.info("second line");
        } finally {
            System.setErr(realErr);
            System.setOut(realOut);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).hasSize(2).allSatisfy(l ->
                assertThat(l).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) \\[.+] (WARN|INFO) BisonClient - .+"));
    }
}
