package io.github.bisonbackfill.examples.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.bisonbackfill.examples.cli.BackfillConfig;
import io.github.bisonbackfill.examples.cli.BisonBackfillCli;
import io.github.bisonbackfill.examples.cli.ConfigLoader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scheduling recipes of docs/operations.md, kept in examples/ops/: each file parses (YAML,
 * crontab, systemd units), has the keys the recipe promises (Forbid, a Secret, a schedule, the
 * report as an artifact), and every CLI command line in it is accepted by the CLI's own parser.
 */
class OpsRecipesTest {
    static final Path OPS = Path.of("ops");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Five cron fields: minute hour day-of-month month day-of-week. */
    static final Pattern CRON = Pattern.compile("(\\S+\\s+){4}\\S+");
    static final Pattern CRON_FIELD = Pattern.compile("(\\*|\\d+(-\\d+)?)(/\\d+)?(,(\\*|\\d+(-\\d+)?)(/\\d+)?)*");

    static List<JsonNode> yamlDocuments(Path file) throws IOException {
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(Files.readString(file))) {
            return it.readAll();
        }
    }

    static void assertCron(String expression) {
        assertThat(expression).matches(CRON);
        assertThat(expression.split("\\s+")).allSatisfy(f -> assertThat(f).matches(CRON_FIELD));
    }

    /** The CLI's parser accepts these arguments (unknown options or commands would throw). */
    static void assertCliAccepts(String commandLine) {
        String[] args = commandLine.trim().split("\\s+");
        BisonBackfillCli cli = new BisonBackfillCli(Map.of(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(cli.commandLine().parseArgs(args).subcommand()).as(commandLine).isNotNull();
    }

    /** {@code [Section]} → key → values (a key may repeat). */
    static Map<String, Map<String, List<String>>> unit(Path file) throws IOException {
        Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
        String section = null;
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.matches("\\[[A-Za-z]+]")) {
                section = line.substring(1, line.length() - 1);
                out.put(section, new LinkedHashMap<>());
                continue;
            }
            assertThat(section).as("%s: a key before any [Section]: %s", file, line).isNotNull();
            assertThat(line).as("%s: not Key=Value: %s", file, line).matches("[A-Za-z]+=.*");
            out.get(section).computeIfAbsent(line.substring(0, line.indexOf('=')), k -> new ArrayList<>())
                    .add(line.substring(line.indexOf('=') + 1));
        }
        return out;
    }

    @Test
    void kubernetesCronJob_forbidsOverlap_readsSecretsFromASecret_andShipsAValidConfig() throws IOException {
        List<JsonNode> docs = yamlDocuments(OPS.resolve("kubernetes/cronjob.yaml"));
        JsonNode configMap = docs.stream().filter(d -> d.path("kind").asText().equals("ConfigMap")).findFirst().orElseThrow();
        JsonNode cronJob = docs.stream().filter(d -> d.path("kind").asText().equals("CronJob")).findFirst().orElseThrow();
        assertThat(cronJob.path("apiVersion").asText()).isEqualTo("batch/v1");
        assertThat(cronJob.path("metadata").path("name").asText()).isNotBlank();
        JsonNode spec = cronJob.path("spec");
        assertCron(spec.path("schedule").asText());
        assertThat(spec.path("concurrencyPolicy").asText()).isEqualTo("Forbid");
        JsonNode pod = spec.path("jobTemplate").path("spec").path("template").path("spec");
        assertThat(pod.path("restartPolicy").asText()).isIn("Never", "OnFailure");
        JsonNode container = pod.path("containers").get(0);
        assertThat(container.path("image").asText()).isNotBlank();
        assertThat(container.path("envFrom").get(0).path("secretRef").path("name").asText()).isNotBlank();
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        assertCliAccepts(String.join(" ", args));
        assertThat(args).contains("--json");
        // No secret in the manifest: only names of variables.
        assertThat(Files.readString(OPS.resolve("kubernetes/cronjob.yaml"))).doesNotContainPattern("(?i)eyJ[a-z0-9_-]{10,}");

        // The ConfigMap's config is one the CLI accepts, with checkpoints in Supabase (the pod's disk is gone after a run)
        // and the config path the container is told about.
        String env = container.path("env").get(0).path("name").asText();
        assertThat(env).isEqualTo(BisonBackfillCli.CONFIG_ENV);
        String mountPath = container.path("volumeMounts").get(0).path("mountPath").asText();
        String file = container.path("env").get(0).path("value").asText();
        assertThat(file).startsWith(mountPath + "/");
        JsonNode config = YAML.readTree(configMap.path("data").path(file.substring(mountPath.length() + 1)).asText());
        BackfillConfig parsed = ConfigLoader.parse(config, Path.of("/config"));
        assertThat(parsed.schedule().checkpoints()).isEqualTo(BackfillConfig.Checkpoints.SUPABASE);
        assertThat(parsed.durableCheckpoints()).isTrue();
    }

    @Test
    void githubActionsWorkflow_isScheduled_usesSecrets_neverOverlaps_andKeepsTheJsonReport() throws IOException {
        JsonNode wf = yamlDocuments(OPS.resolve("github-actions/bison-backfill.yml")).get(0);
        assertThat(wf.path("name").asText()).isNotBlank();
        JsonNode on = wf.has("on") ? wf.path("on") : wf.path("true"); // YAML 1.1 readers may turn the key into true
        assertCron(on.path("schedule").get(0).path("cron").asText());
        assertThat(on.has("workflow_dispatch")).isTrue();
        assertThat(wf.path("concurrency").path("group").asText()).isNotBlank();
        assertThat(wf.path("concurrency").path("cancel-in-progress").asBoolean(true)).isFalse();
        JsonNode job = wf.path("jobs").elements().next();
        assertThat(job.path("runs-on").asText()).isNotBlank();
        job.path("env").fields().forEachRemaining(e -> {
            if (e.getKey().contains("KEY")) {
                assertThat(e.getValue().asText()).as(e.getKey()).matches("\\$\\{\\{ secrets\\.[A-Z0-9_]+ }}");
            }
        });
        List<JsonNode> steps = new ArrayList<>();
        job.path("steps").forEach(steps::add);
        JsonNode run = steps.stream().filter(s -> s.path("run").asText().contains("bison-backfill-examples.jar")).findFirst().orElseThrow();
        Matcher m = Pattern.compile("\\.jar (backfill \\$flags --json) > (\\S+)").matcher(run.path("run").asText());
        assertThat(m.find()).as(run.toString()).isTrue();
        for (String flags : List.of("--since-last", "--resume", "")) {
            assertCliAccepts(m.group(1).replace("$flags", flags));
        }
        JsonNode upload = steps.stream().filter(s -> s.path("uses").asText().startsWith("actions/upload-artifact@")).findFirst().orElseThrow();
        assertThat(upload.path("with").path("path").asText()).isEqualTo(m.group(2));
        assertThat(upload.path("if").asText()).isEqualTo("always()");
    }

    @Test
    void cronEntries_useFlockAndValidSchedules() throws IOException {
        List<String> entries = Files.readAllLines(OPS.resolve("cron/bison-backfill.cron")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#") && !l.matches("[A-Z_]+=.*")).toList();
        assertThat(entries).isNotEmpty();
        Pattern cli = Pattern.compile("bison-backfill\\.jar ((?:backfill|verify|kpi)[^>']*?) >");
        for (String e : entries) {
            String[] f = e.split("\\s+");
            assertCron(String.join(" ", Arrays.copyOf(f, 5)));
            assertThat(f[5]).as("the user column").matches("[a-z_][a-z0-9_-]*");
            assertThat(f[6] + " " + f[7]).isEqualTo("flock -n");
            Matcher m = cli.matcher(e);
            assertThat(m.find()).as(e).isTrue();
            assertCliAccepts(m.group(1));
        }
    }

    @Test
    void systemdUnits_parse_theTimerStartsTheOneshotService() throws IOException {
        Map<String, Map<String, List<String>>> service = unit(OPS.resolve("systemd/bison-backfill.service"));
        Map<String, Map<String, List<String>>> timer = unit(OPS.resolve("systemd/bison-backfill.timer"));
        assertThat(service).containsKeys("Unit", "Service");
        assertThat(service.get("Service").get("Type")).containsExactly("oneshot");
        assertThat(service.get("Service")).containsKeys("ExecStart", "User", "EnvironmentFile");
        Matcher m = Pattern.compile("\\.jar ([^>']*?) >").matcher(service.get("Service").get("ExecStart").get(0));
        assertThat(m.find()).isTrue();
        assertCliAccepts(m.group(1));
        assertThat(timer).containsKeys("Unit", "Timer", "Install");
        assertThat(timer.get("Timer")).containsKey("OnCalendar");
        assertThat(timer.get("Timer").get("Unit")).containsExactly("bison-backfill.service");
        assertThat(timer.get("Install").get("WantedBy")).containsExactly("timers.target");
    }
}
