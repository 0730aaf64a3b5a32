package io.github.bisonbackfill.examples.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A broken config file gives exit status 2 and a message naming the field and the problem. No server needed. */
class ConfigErrorsTest {
    @TempDir
    Path dir;

    static final String VALID = """
            {
              "instances": [
                {"name": "alpha", "base_url": "https://send.agency.example", "super_admin_key_env": "BISON_KEY_ALPHA",
                 "settle_delay": "1.5s", "requests_per_second": 20, "max_concurrent_requests": 2},
                {"name": "beta", "base_url": "https://dedi.emailbison.com"}
              ],
              "clients": [
                {"name": "Harbor Insurance, LLC", "instance": "alpha", "workspace_id": 37},
                {"name": "Café Ñandú", "instance": "beta", "workspace_id": 37, "api_key_env": "BISON_KEY_BETA_37"}
              ],
              "supabase": {"url": "https://abc.supabase.co", "key_env": "SUPABASE_KEY", "table": "client_leads"},
              "run": {"clients_per_batch": 4, "parallel_scans": 2, "delay_between_clients": "0s",
                      "time_zone": "America/Los_Angeles", "checkpoint_file": "state/checkpoint.json"},
              "webhook": {"secret_env": "HOOK_SECRET"}
            }
            """;

    Cli.Result verifyWith(String config, String name, Map<String, String> env) {
        Path file = Cli.write(dir, name, config);
        return Cli.run(env, "verify", "--config", file.toString());
    }

    String error(String config) {
        Cli.Result r = verifyWith(config, "c.json", Map.of());
        assertThat(r.exit()).as(r.toString()).isEqualTo(BisonBackfillCli.EXIT_USAGE);
        assertThat(r.err()).startsWith("config error: ");
        return r.err().strip().substring("config error: ".length());
    }

    @Test
    void validConfig_isReadWithEveryField() {
        BackfillConfig c = ConfigLoader.load(Cli.write(dir, "ok.json", VALID));
        assertThat(c.instances()).hasSize(2);
        assertThat(c.instances().get(0).settleDelay()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.instances().get(0).requestsPerSecond()).isEqualTo(20.0);
        assertThat(c.instances().get(1).superAdminKeyEnv()).isNull();
        assertThat(c.clients().get(1)).isEqualTo(new BackfillConfig.Client(1, "Café Ñandú", "beta", 37, "BISON_KEY_BETA_37"));
        assertThat(c.supabase().keyEnv()).isEqualTo("SUPABASE_KEY");
        assertThat(c.run().timeZone()).isEqualTo(ZoneId.of("America/Los_Angeles"));
        assertThat(c.run().checkpointFile()).isEqualTo(dir.toAbsolutePath().resolve("state/checkpoint.json"));
        assertThat(c.run().clientsPerBatch()).isEqualTo(4);
        assertThat(c.webhook().secretEnv()).isEqualTo("HOOK_SECRET");
    }

    @Test
    void yamlConfig_isReadLikeJson_andATypoInYamlIsNamed() {
        String yaml = """
                # comments are why YAML is accepted
                instances:
                  - name: alpha
                    base_url: https://send.agency.example
                    super_admin_key_env: BISON_KEY_ALPHA
                clients:
                  - {name: "O'Brien & Sons, LLC", instance: alpha, workspace_id: 12}
                supabase:
                  rest_url: http://127.0.0.1:3000
                """;
        BackfillConfig c = ConfigLoader.load(Cli.write(dir, "c.yaml", yaml));
        assertThat(c.clients().get(0).name()).isEqualTo("O'Brien & Sons, LLC");
        assertThat(c.supabase().restUrl()).isEqualTo("http://127.0.0.1:3000");
        assertThat(c.supabase().keyEnv()).isEqualTo(BackfillConfig.DEFAULT_SUPABASE_KEY_ENV);
        assertThat(c.supabase().table()).isEqualTo("client_leads");

        Cli.Result r = Cli.run(Map.of(), "verify", "-c", Cli.write(dir, "typo.yml", yaml.replace("workspace_id", "workspaceid")).toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("clients[0].workspace_id: missing");
    }

    @Test
    void missingWorkspaceId_namesTheClient() {
        assertThat(error(VALID.replace(", \"workspace_id\": 37, \"api_key_env\"", ", \"api_key_env\"")))
                .isEqualTo("clients[1].workspace_id: missing");
    }

    @Test
    void baseUrlThatIsNotAUrl_isNamed() {
        assertThat(error(VALID.replace("https://send.agency.example", "send.agency.example")))
                .startsWith("instances[0].base_url: not a URL");
    }

    @Test
    void plainHttpForAPublicHost_isRefusedUnlessAllowed() {
        assertThat(error(VALID.replace("https://dedi.emailbison.com", "http://dedi.emailbison.com")))
                .startsWith("instances[1].base_url: plain http:// is only allowed for loopback hosts")
                .contains("instances[1].allow_insecure_http: true");
        BackfillConfig ok = ConfigLoader.load(Cli.write(dir, "insecure.json", VALID.replace("\"https://dedi.emailbison.com\"",
                "\"http://dedi.emailbison.com\", \"allow_insecure_http\": true")));
        assertThat(ok.instances().get(1).allowInsecureHttp()).isTrue();
    }

    @Test
    void unknownField_isRejectedWithItsName() {
        assertThat(error(VALID.replace("\"table\"", "\"tabel\""))).startsWith("supabase.tabel: unknown field (known here:");
        assertThat(error(VALID.replace("\"webhook\"", "\"webhooks\""))).startsWith("webhooks: unknown field");
    }

    @Test
    void unknownInstance_listsTheConfiguredOnes() {
        assertThat(error(VALID.replace("\"instance\": \"beta\"", "\"instance\": \"bta\"")))
                .isEqualTo("clients[1].instance: unknown instance \"bta\" (configured: alpha, beta)");
    }

    @Test
    void clientNamesDifferingOnlyInCase_andAWorkspaceTwice_areRejected() {
        assertThat(error(VALID.replace("Café Ñandú", "HARBOR INSURANCE, LLC")))
                .startsWith("clients[1].name: \"HARBOR INSURANCE, LLC\" is also the name of clients[0]");
        assertThat(error(VALID.replace("\"instance\": \"beta\", \"workspace_id\": 37", "\"instance\": \"alpha\", \"workspace_id\": 37")))
                .startsWith("clients[1].workspace_id: workspace 37 of instance \"alpha\" is also configured as clients[0]");
    }

    @Test
    void clientWithoutAnyKey_isRejected() {
        assertThat(error(VALID.replace(", \"api_key_env\": \"BISON_KEY_BETA_37\"", "")))
                .startsWith("clients[1].api_key_env: missing: instance \"beta\" has no super_admin_key_env");
    }

    @Test
    void badValues_nameTheFieldAndTheProblem() {
        assertThat(error(VALID.replace("\"1.5s\"", "\"soon\""))).startsWith("instances[0].settle_delay: \"soon\" is not a duration");
        assertThat(error(VALID.replace("America/Los_Angeles", "Pacific"))).startsWith("run.time_zone: \"Pacific\" is not a time zone");
        assertThat(error(VALID.replace("\"clients_per_batch\": 4", "\"clients_per_batch\": 0"))).isEqualTo("run.clients_per_batch: must be positive, got 0");
        assertThat(error(VALID.replace("\"workspace_id\": 37}", "\"workspace_id\": \"37\"}")))
                .isEqualTo("clients[0].workspace_id: must be a whole number, got the string \"37\"");
        assertThat(error(VALID.replace("\"url\": \"https://abc.supabase.co\"", "\"url\": \"https://abc.supabase.co\", \"rest_url\": \"http://127.0.0.1:3000\"")))
                .startsWith("supabase: set url");
        assertThat(error("[]")).startsWith("the config file must be an object");
        assertThat(error("{\"instances\": [}")).contains("is not valid JSON (line 1");
    }

    @Test
    void aKeyPastedInsteadOfAVariableName_isRefusedWithoutEchoingIt() {
        String key = "12|s3cretS3cretS3cretS3cretS3cret";
        String msg = error(VALID.replace("\"SUPABASE_KEY\"", "\"" + key + "\""));
        assertThat(msg).startsWith("supabase.key_env: not an environment variable name").doesNotContain("s3cret");
    }

    @Test
    void environmentVariableNotSet_namesTheFieldAndTheVariable() {
        Cli.Result r = verifyWith(VALID, "c.json", Map.of("BISON_KEY_ALPHA", "1|abc", "BISON_KEY_BETA_37", "2|def"));
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("config error: supabase.key_env: environment variable SUPABASE_KEY is not set"
                + " (the service-role key of the Supabase project)");

        r = verifyWith(VALID, "c.json", Map.of("SUPABASE_KEY", "k", "BISON_KEY_BETA_37", "2|def"));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("instances[0].super_admin_key_env: environment variable BISON_KEY_ALPHA is not set");
    }

    @Test
    void missingFile_andUnknownExtension_areConfigErrors() {
        Cli.Result r = Cli.run(Map.of(), "backfill", "--config", dir.resolve("nope.yaml").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("config file " + dir.resolve("nope.yaml") + " does not exist");
        assertThatThrownBy(() -> ConfigLoader.load(Cli.write(dir, "c.toml", VALID)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("name it *.json, *.yaml or *.yml");
    }

    @Test
    void usageErrors_exitWith2() {
        assertThat(Cli.run(Map.of()).exit()).isEqualTo(2);
        Cli.Result noConfig = Cli.run(Map.of(), cli -> cli.workingDir = dir, "backfill");
        assertThat(noConfig.exit()).isEqualTo(2);
        assertThat(noConfig.err()).contains("no config file: pass --config FILE, set BISON_BACKFILL_CONFIG, or create "
                + dir.resolve("bison-backfill.yaml"));
        assertThat(Cli.run(Map.of(), "frobnicate").exit()).isEqualTo(2);
        Cli.Result r = Cli.run(Map.of(), "kpi", "-c", Cli.write(dir, "c.json", VALID).toString(), "--month", "2025-13");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--month: \"2025-13\" is not YYYY-MM");
    }

    @Test
    void withoutConfigOption_theEnvironmentVariable_thenTheDefaultFileInTheWorkingDirectory_areRead() throws Exception {
        // Both configs are valid but name an unset variable: the message tells which file was read.
        String fromEnv = VALID.replace("SUPABASE_KEY", "KEY_OF_ENV_FILE");
        Path envFile = Cli.write(dir, "from-env.json", fromEnv);
        Files.writeString(dir.resolve(BisonBackfillCli.DEFAULT_CONFIG_FILE), VALID.replace("SUPABASE_KEY", "KEY_OF_DEFAULT_FILE"));

        Cli.Result viaEnv = Cli.run(Map.of(BisonBackfillCli.CONFIG_ENV, envFile.toString()), cli -> cli.workingDir = dir, "verify");
        assertThat(viaEnv.exit()).as(viaEnv.toString()).isEqualTo(2);
        assertThat(viaEnv.err()).contains("KEY_OF_ENV_FILE");
        // A relative path in the variable is resolved against the working directory.
        Cli.Result relative = Cli.run(Map.of(BisonBackfillCli.CONFIG_ENV, "from-env.json"), cli -> cli.workingDir = dir, "verify");
        assertThat(relative.err()).contains("KEY_OF_ENV_FILE");

        Cli.Result viaDefault = Cli.run(Map.of(), cli -> cli.workingDir = dir, "verify");
        assertThat(viaDefault.exit()).as(viaDefault.toString()).isEqualTo(2);
        assertThat(viaDefault.err()).contains("KEY_OF_DEFAULT_FILE");

        // --config wins over both.
        Cli.Result explicit = Cli.run(Map.of(BisonBackfillCli.CONFIG_ENV, envFile.toString()), cli -> cli.workingDir = dir,
                "verify", "--config", Cli.write(dir, "explicit.json", VALID).toString());
        assertThat(explicit.err()).contains("environment variable SUPABASE_KEY is not set");
    }

    @Test
    void scheduling_lockDirDefaultsBesideTheCheckpointFile_andCheckpointsNameTheirStore() {
        BackfillConfig c = ConfigLoader.load(Cli.write(dir, "ok.json", VALID));
        assertThat(c.lockDir()).isEqualTo(dir.toAbsolutePath().resolve("state"));
        assertThat(c.schedule().checkpoints()).isEqualTo(BackfillConfig.Checkpoints.FILE);
        assertThat(c.durableCheckpoints()).isTrue();

        BackfillConfig noFile = ConfigLoader.load(Cli.write(dir, "nofile.json",
                VALID.replace(", \"checkpoint_file\": \"state/checkpoint.json\"", "")));
        assertThat(noFile.lockDir()).isEqualTo(dir.toAbsolutePath());
        assertThat(noFile.durableCheckpoints()).isFalse();

        BackfillConfig explicit = ConfigLoader.load(Cli.write(dir, "lock.json",
                VALID.replace("\"checkpoint_file\": \"state/checkpoint.json\"", "\"lock_dir\": \"locks\", \"checkpoints\": \"supabase\"")));
        assertThat(explicit.lockDir()).isEqualTo(dir.toAbsolutePath().resolve("locks"));
        assertThat(explicit.schedule().checkpoints()).isEqualTo(BackfillConfig.Checkpoints.SUPABASE);
        assertThat(explicit.durableCheckpoints()).isTrue();

        assertThat(error(VALID.replace("\"time_zone\"", "\"checkpoints\": \"s3\", \"time_zone\"")))
                .isEqualTo("run.checkpoints: \"s3\" is not a checkpoint store (use file or supabase)");
        assertThat(error(VALID.replace("\"time_zone\"", "\"checkpoints\": \"supabase\", \"time_zone\"")))
                .startsWith("run.checkpoint_file: not used with checkpoints: supabase");
    }

    @Test
    void durations_acceptShortFormsAndIso() {
        assertThat(ConfigLoader.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConfigLoader.parseDuration("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(ConfigLoader.parseDuration("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(ConfigLoader.parseDuration("PT0.25S")).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> ConfigLoader.parseDuration("-PT1S")).isInstanceOf(IllegalArgumentException.class);
    }
    // ---- hostile input: bounded, every fault a config error (exit 2), nothing key-shaped echoed ----

    static final String JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2lnbmF0dXJlc2lnbmF0dXJlc2ln";
    static final String BISON_KEY = "12|" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7dEf0h";

    Cli.Result verifyFile(Path file) {
        return Cli.run(Map.of(), "verify", "--config", file.toString());
    }

    @Test
    void hugeFile_andDevZero_areConfigErrors_inUnderASecond() throws Exception {
        Path huge = dir.resolve("huge.yaml");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(100L << 20); // 100 MB (sparse)
        }
        Path devZero = dir.resolve("zero.json");
        java.nio.file.Files.createSymbolicLink(devZero, Path.of("/dev/zero"));
        for (Path file : new Path[] {huge, devZero}) {
            long t0 = System.nanoTime();
            Cli.Result r = verifyFile(file);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(r.exit()).as(r.toString()).isEqualTo(BisonBackfillCli.EXIT_USAGE);
            assertThat(r.err()).startsWith("config error: ");
            // The promise the issue asks for: answered at once, not after reading the file.
            assertThat(took).as(file.toString()).isLessThan(Duration.ofSeconds(1));
        }
        assertThat(verifyFile(huge).err()).contains("more than the " + ConfigLoader.MAX_FILE_BYTES);
        assertThat(verifyFile(devZero).err()).contains("not a regular file");
        assertThat(verifyFile(java.nio.file.Files.createDirectory(dir.resolve("a-directory.json"))).err())
                .contains("not a regular file");
    }

    @Test
    void nestingBeyondEveryLimit_isAConfigError_notACrash() {
        String deepJson = "{\"instances\": " + "[".repeat(5000) + "]".repeat(5000) + "}";
        String deepYaml = "instances: " + "[".repeat(5000) + "]".repeat(5000) + "\n";
        String modestJson = "{\"instances\": " + "[".repeat(200) + "]".repeat(200) + "}";
        for (String[] c : new String[][] {{deepJson, "deep.json"}, {deepYaml, "deep.yaml"}, {modestJson, "modest.json"}}) {
            Cli.Result r = verifyWith(c[0], c[1], Map.of());
            assertThat(r.exit()).as(c[1] + ": " + r).isEqualTo(BisonBackfillCli.EXIT_USAGE);
            assertThat(r.err()).as(c[1]).startsWith("config error: ").doesNotContain("NullPointerException")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void aKeyPastedIntoAnyField_isNeverEchoed() {
        String[] configs = {
            VALID.replace("\"https://send.agency.example\"", "\"" + JWT + "\""),
            VALID.replace("\"https://send.agency.example\"", "\"" + BISON_KEY + "\""),
            VALID.replace("\"name\": \"alpha\"", "\"name\": \" " + BISON_KEY + "\"").replace("\"instance\": \"alpha\"", "\"instance\": \"x\""),
            VALID.replace("\"1.5s\"", "\"" + BISON_KEY + "\""),
            VALID.replace("\"1.5s\"", "\"" + JWT + "\""),
            VALID.replace("\"America/Los_Angeles\"", "\"" + BISON_KEY + "\""),
            VALID.replace("\"America/Los_Angeles\"", "\"" + JWT + "\""),
            VALID.replace("\"parallel_scans\": 2", "\"parallel_scans\": 2, \"" + BISON_KEY + "\": 1"),
            VALID.replace("\"parallel_scans\": 2", "\"parallel_scans\": 2, \"" + JWT + "\": 1"),
            VALID.replace("\"table\": \"client_leads\"", "\"table\": \"" + JWT + "\""),
            VALID.replace("\"client_leads\"", "\"sb_secret_abcdefghijklmnopqrstuvwxyz012345\""),
        };
        for (String config : configs) {
            assertThat(config).isNotEqualTo(VALID);
            String message = error(config);
            assertThat(message).doesNotContain(BISON_KEY).doesNotContain(BISON_KEY.substring(3, 30))
                    .doesNotContain(JWT.substring(0, 40)).doesNotContain("abcdefghijklmnop");
        }
    }
}
