package io.github.bisonbackfill.examples.logging;

import io.github.bisonbackfill.supabase.testing.LocalSupabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No key at any log level: a backfill and the webhook server run in a JVM of their own with every
 * logger at TRACE (slf4j-simple, the binding the tests and the examples use), HttpClient's header and
 * wire loggers included; the whole output is searched for keys and JWTs.
 */
class TraceLoggingIT {
    static final String WEBHOOK_SECRET = "trace-webhook-secret-" + Long.toHexString(System.nanoTime()) + "abcdef";
    static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    static final Pattern BISON_KEY = Pattern.compile("\\b\\d+\\|[A-Za-z0-9]{16,}");
    static final Pattern CREDENTIAL_HEADER = Pattern.compile("(?i)(apikey|authorization)\\s*:\\s*\\S+");

    @Test
    void backfillAndWebhook_atTrace_logNoKeyNoJwtNoSecret(@TempDir Path dir) throws Exception {
        LocalSupabase db = LocalSupabase.fromEnvironment();
        Path output = dir.resolve("trace.log");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace",
                "-Dorg.slf4j.simpleLogger.showDateTime=false",
                TraceLogProbe.class.getName(), WEBHOOK_SECRET));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean ended = p.waitFor(4, TimeUnit.MINUTES);
        if (!ended) {
            p.destroyForcibly();
        }
        String log = Files.readString(output, StandardCharsets.UTF_8);
        String tail = log.length() > 4000 ? log.substring(log.length() - 4000) : log;
        assertThat(ended).as("probe still running after 4 min:%n%s", tail).isTrue();
        assertThat(p.exitValue()).as("probe failed:%n%s", tail).isZero();
        assertThat(log).contains("trace probe done");

        // The run really logged at TRACE/DEBUG, HttpClient's own loggers included.
        assertThat(log).contains("probe loggers: headers trace=true, wire trace=true, library trace=true")
                // The logger's name is short or long depending on simplelogger.properties (the CLI's shows it short).
                .containsPattern("DEBUG (org\\.apache\\.hc\\.client5\\.http\\.impl\\.classic\\.)?MainClientExec - ");

        assertThat(log).doesNotContain(db.serviceRoleKey()).doesNotContain(WEBHOOK_SECRET);
        assertThat(matches(JWT, log)).as("JWTs in the log").isEmpty();
        assertThat(matches(BISON_KEY, log)).as("Email Bison keys in the log").isEmpty();
        assertThat(matches(CREDENTIAL_HEADER, log)).as("credential headers in the log").isEmpty();
    }

    static List<String> matches(Pattern pattern, String text) {
        List<String> found = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find() && found.size() < 5) {
            int from = Math.max(0, m.start() - 120);
            found.add(text.substring(from, Math.min(text.length(), m.end() + 20)));
        }
        return found;
    }
}
