package io.github.bisonbackfill.supabase;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code scripts/local-supabase.sh start} never deletes a cluster that holds data: after a
 * {@code kill -9} of its PostgREST, and then of its PostgreSQL, {@code start} brings back the same
 * URL, the same keys and every row. Runs a cluster of its own ({@code LOCAL_SUPABASE_HOME} in a
 * temporary directory, PostgREST's binary reused from the suite's), never touching the suite's.
 */
class LocalSupabaseScriptIT {
    static final Path SCRIPT = Path.of("..", "scripts", "local-supabase.sh").toAbsolutePath().normalize();
    static final Pattern EXPORT = Pattern.compile("export (\\w+)='([^']*)'");

    @TempDir
    Path home;
    boolean started;

    Map<String, String> env() {
        String suiteState = System.getenv("LOCAL_SUPABASE_STATE");
        if (suiteState == null || suiteState.isBlank()) {
            throw new IllegalStateException("LOCAL_SUPABASE_STATE is not set: run the tests with ./scripts/test.sh, or"
                    + " eval \"$(scripts/local-supabase.sh start)\" in the shell that runs Maven");
        }
        Map<String, String> env = new HashMap<>();
        env.put("LOCAL_SUPABASE_HOME", home.toString());
        env.put("LOCAL_SUPABASE_NPM_DIR", Path.of(suiteState, "npm").toString());
        return env;
    }

    /** Runs the script; its stdout (export lines or psql output). Fails with its stderr on a non-zero exit. */
    String script(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("PG") || k.startsWith("SUPABASE_") || k.startsWith("LOCAL_SUPABASE"));
        pb.environment().putAll(env());
        Path err = Files.createTempFile(home, "stderr", ".txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s %s:%n%s", SCRIPT, String.join(" ", args), Files.readString(err)).isZero();
        return out;
    }

    static Map<String, String> exports(String out) {
        Map<String, String> m = new HashMap<>();
        Matcher x = EXPORT.matcher(out);
        while (x.find()) {
            m.put(x.group(1), x.group(2));
        }
        return m;
    }

    long state(String name) throws IOException {
        for (String line : Files.readAllLines(home.resolve("state.env"))) {
            if (line.startsWith(name + "='")) {
                return Long.parseLong(line.substring(name.length() + 2, line.length() - 1));
            }
        }
        throw new IllegalStateException(name + " not in state.env");
    }

    static void kill9(long pid) throws Exception {
        ProcessHandle h = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
        h.onExit().get(10, TimeUnit.SECONDS);
    }

    static String restCount(Map<String, String> e) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(e.get("SUPABASE_REST_URL") + "/kept?select=count"))
                .header("Authorization", "Bearer " + e.get("SUPABASE_SERVICE_ROLE_KEY")).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    @AfterEach
    void stop() throws Exception {
        if (started) {
            script("stop");
        }
    }

    @Test
    void start_afterKill9OfPostgrest_thenOfPostgres_restartsOnTheSameDataPortsAndSecret() throws Exception {
        Map<String, String> first = exports(script("start"));
        started = true;
        script("psql", "-c", "create table kept (id int primary key); insert into kept select generate_series(1, 1000);"
                + " notify pgrst, 'reload schema';");
        script("reload", "kept");
        assertThat(restCount(first)).isEqualTo("[{\"count\":1000}]");

        kill9(state("PGRST_PID"));
        Map<String, String> second = exports(script("start"));
        assertThat(second).isEqualTo(first); // same URL, ports, keys, secret
        assertThat(restCount(second)).isEqualTo("[{\"count\":1000}]");

        kill9(state("PG_PID"));
        Map<String, String> third = exports(script("start"));
        assertThat(third).isEqualTo(first);
        assertThat(script("psql", "-At", "-c", "select count(*) from kept").strip()).isEqualTo("1000");
        assertThat(restCount(third)).isEqualTo("[{\"count\":1000}]");
    }
}
