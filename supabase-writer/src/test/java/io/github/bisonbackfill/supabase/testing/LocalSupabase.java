package io.github.bisonbackfill.supabase.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bisonbackfill.supabase.SupabaseWriter;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The local Supabase REST (PostgreSQL 15 + PostgREST 12.0.2) started by {@code scripts/local-supabase.sh},
 * for tests in any module (published in supabase-writer's test-jar).
 *
 * <pre>{@code
 * LocalSupabase db = LocalSupabase.fromEnvironment();       // fails with how to start it
 * String table = db.uniqueName("leads");
 * db.ddl("create table " + table + " (id int primary key, name text)", table);
 * try (SupabaseWriter writer = db.writer().batchSize(100).build()) { ... }
 * }</pre>
 *
 * <p>Reads {@code SUPABASE_REST_URL}, {@code SUPABASE_SERVICE_ROLE_KEY}, {@code SUPABASE_ANON_KEY} and
 * the {@code PGHOST}/{@code PGPORT}/{@code PGUSER}/{@code PGDATABASE} that the script exports. Admin
 * SQL runs through {@code psql} as the superuser. Thread-safe.
 */
public final class LocalSupabase {
    /** How to provide the environment, quoted in every failure. */
    public static final String HOW_TO_START = "start the local Supabase REST first: run the tests with"
            + " ./scripts/test.sh (e.g. ./scripts/test.sh -pl supabase-writer), or eval \"$(scripts/local-supabase.sh start)\""
            + " in the shell that runs Maven";
    private static final Duration SCHEMA_WAIT = Duration.ofSeconds(30);
    private static final AtomicLong NAMES = new AtomicLong(System.nanoTime() % 1_000_000);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile LocalSupabase instance;

    private final String restUrl;
    private final String serviceRoleKey;
    private final String anonKey;
    private final Map<String, String> pgEnv;
    private final String psql;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private LocalSupabase(Map<String, String> env) {
        this.restUrl = require(env, "SUPABASE_REST_URL");
        this.serviceRoleKey = require(env, "SUPABASE_SERVICE_ROLE_KEY");
        this.anonKey = require(env, "SUPABASE_ANON_KEY");
        this.pgEnv = Map.of("PGHOST", require(env, "PGHOST"), "PGPORT", require(env, "PGPORT"),
                "PGUSER", require(env, "PGUSER"), "PGDATABASE", require(env, "PGDATABASE"));
        Path pgBin = Path.of("/usr/lib/postgresql/15/bin/psql");
        this.psql = Files.isExecutable(pgBin) ? pgBin.toString() : "psql";
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(restUrl + "/"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("the local Supabase REST at " + restUrl + " answered " + r.statusCode()
                        + " to GET /: " + HOW_TO_START);
            }
        } catch (IOException e) {
            throw new IllegalStateException("the local Supabase REST at " + restUrl + " does not answer (" + e
                    + "); it may have been stopped: " + HOW_TO_START, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * The running local Supabase described by the environment (checked once per JVM).
     *
     * @return the instance
     * @throws IllegalStateException when the variables are missing or the server does not answer,
     *                               with how to start it
     */
    public static LocalSupabase fromEnvironment() {
        LocalSupabase s = instance;
        if (s == null) {
            synchronized (LocalSupabase.class) {
                if (instance == null) {
                    instance = new LocalSupabase(System.getenv());
                }
                s = instance;
            }
        }
        return s;
    }

    private static String require(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set: " + HOW_TO_START);
        }
        return v;
    }

    /** The PostgREST base URL, e.g. {@code http://127.0.0.1:38211}. */
    public String restUrl() {
        return restUrl;
    }

    /** A service_role JWT (bypasses row-level security). */
    public String serviceRoleKey() {
        return serviceRoleKey;
    }

    /** An anon JWT (subject to row-level security). */
    public String anonKey() {
        return anonKey;
    }

    /**
     * A JWT signed with the server's secret ({@code SUPABASE_JWT_SECRET}) for any role, e.g. one that
     * does not exist (PostgREST then answers {@code 400 22023 role "..." does not exist}).
     *
     * @param role the {@code role} claim
     * @return the HS256 JWT, valid for an hour
     */
    public String jwtForRole(String role) {
        String secret = require(System.getenv(), "SUPABASE_JWT_SECRET");
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        long now = System.currentTimeMillis() / 1000;
        String unsigned = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + "." + b64.encodeToString(("{\"role\":\"" + role + "\",\"iat\":" + now + ",\"exp\":" + (now + 3600) + "}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
            return unsigned + "." + b64.encodeToString(mac.doFinal(unsigned.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
        }
    }

    /** A writer builder pointed at the local server with the service-role key. */
    public SupabaseWriter.Builder writer() {
        return SupabaseWriter.builder().restUrl(restUrl).apiKey(serviceRoleKey);
    }

    /**
     * A name unique in this JVM and across runs, safe as an unquoted identifier: {@code prefix_<n>}.
     *
     * @param prefix lower-case letters, digits, underscores
     * @return the name
     */
    public String uniqueName(String prefix) {
        return prefix + "_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
    }

    /**
     * Runs admin SQL as the superuser ({@code psql -v ON_ERROR_STOP=1 -At}).
     *
     * @param sql one or more statements
     * @return psql's output (unaligned, tuples only)
     * @throws IllegalStateException when psql fails, with its error output
     */
    public String sql(String sql) {
        List<String> command = new ArrayList<>(List.of(psql, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-f", "-"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(pgEnv);
        try {
            Process p = pb.start();
            p.getOutputStream().write(sql.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("psql did not finish within 60 s: " + sql);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("psql failed (exit " + p.exitValue() + "): " + out.strip() + "\nSQL: " + sql);
            }
            return out.strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + psql + " (is postgresql-15 installed?): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Runs DDL, tells PostgREST to reload its schema cache, and waits until it serves the tables.
     *
     * @param sql    DDL statements
     * @param tables tables (optionally {@code table(col1,col2)}) to wait for
     */
    public void ddl(String sql, String... tables) {
        sql(sql);
        reloadSchema(tables);
    }

    /**
     * {@code NOTIFY pgrst, 'reload schema'}, then waits until PostgREST's schema cache holds each table
     * (and the listed columns of {@code table(col1,col2)}). The cache is read from PostgREST's OpenAPI
     * root: a plain GET of the table is no proof, PostgREST 12 runs it even for tables not in its cache,
     * while a POST answers 404 until the cache has it.
     *
     * @param tables tables to wait for
     * @throws IllegalStateException when a table is not in the cache within 30 s
     */
    public void reloadSchema(String... tables) {
        sql("notify pgrst, 'reload schema'");
        long deadline = System.nanoTime() + SCHEMA_WAIT.toNanos();
        for (String spec : tables) {
            String table = spec.contains("(") ? spec.substring(0, spec.indexOf('(')).trim() : spec.trim();
            List<String> columns = spec.contains("(")
                    ? List.of(spec.substring(spec.indexOf('(') + 1, spec.lastIndexOf(')')).replace(" ", "").split(","))
                    : List.of();
            while (!cached(table, columns)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("PostgREST at " + restUrl + " does not have " + spec
                            + " in its schema cache 30 s after 'reload schema'");
                }
                try {
                    Thread.sleep(50); // polling the server, not timing a test
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
    }

    private boolean cached(String table, List<String> columns) {
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(restUrl + "/")).timeout(Duration.ofSeconds(5))
                    .header("Authorization", "Bearer " + serviceRoleKey).header("Accept", "application/openapi+json").GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                return false;
            }
            JsonNode api = JSON.readTree(r.body());
            if (!api.path("paths").has("/" + table)) {
                return false;
            }
            JsonNode properties = api.path("definitions").path(table).path("properties");
            return columns.stream().allMatch(properties::has);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Row count by SQL (independent of PostgREST).
     *
     * @param table the table
     * @return {@code select count(*)}
     */
    public long sqlCount(String table) {
        return Long.parseLong(sql("select count(*) from " + table));
    }

    /** Drops a table if it exists (for cleanup). @param table the table */
    public void dropTable(String table) {
        sql("drop table if exists " + table + " cascade");
    }

    @Override
    public String toString() {
        return "LocalSupabase[" + restUrl + ", keys=<redacted>]";
    }
}
