package io.github.bisonbackfill.examples.cli;

import io.github.bisonbackfill.examples.Loopback;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and validates a {@link BackfillConfig} from a JSON ({@code .json}) or YAML ({@code .yaml},
 * {@code .yml}) file. Every problem is a {@link ConfigException} naming the field and the problem
 * ({@code clients[3].workspace_id: missing}, {@code instances[0].base_url: not a URL},
 * {@code supabase.tabel: unknown field (known: ...)}). Unknown fields are rejected: in a config file a
 * typo would otherwise silently fall back to a default. Environment variables are not read here:
 * see {@link Secrets}. Stateless and thread-safe.
 */
public final class ConfigLoader {
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern TABLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

    private ConfigLoader() {
    }

    /**
     * Reads and validates a file.
     *
     * @param file a {@code .json}, {@code .yaml} or {@code .yml} file
     * @return the configuration
     * @throws ConfigException when the file cannot be read or parsed, or a field is missing, unknown or invalid
     */
    public static BackfillConfig load(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
        if (!yaml && !name.endsWith(".json")) {
            throw new ConfigException(null, "config file " + file + ": unknown format, name it *.json, *.yaml or *.yml");
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(null, "config file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException(null, "config file " + file + " cannot be read: " + e.getMessage());
        }
        JsonNode root;
        try {
            root = (yaml ? YAML : JSON).readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigException(null, "config file " + file + " is not valid " + (yaml ? "YAML" : "JSON")
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + "): "
                    + e.getOriginalMessage());
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(root, dir);
    }

    /**
     * Validates an already parsed tree.
     *
     * @param root    the document
     * @param baseDir the directory relative paths (the checkpoint file) are resolved against
     * @return the configuration
     * @throws ConfigException when a field is missing, unknown or invalid
     */
    public static BackfillConfig parse(JsonNode root, Path baseDir) {
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ConfigException(null, "the config file is empty");
        }
        Obj top = new Obj(root, "");
        List<BackfillConfig.Instance> instances = instances(top.array("instances", true));
        List<BackfillConfig.Client> clients = clients(top.array("clients", true), instances);
        BackfillConfig.Supabase supabase = supabase(top.object("supabase", true));
        BackfillConfig.Run run = run(top.object("run", false), baseDir);
        Obj hook = top.object("webhook", false);
        BackfillConfig.Webhook webhook = new BackfillConfig.Webhook(BackfillConfig.DEFAULT_WEBHOOK_SECRET_ENV);
        if (hook != null) {
            String env = hook.envName("secret_env", false);
            hook.finish();
            webhook = new BackfillConfig.Webhook(env == null ? BackfillConfig.DEFAULT_WEBHOOK_SECRET_ENV : env);
        }
        top.finish();
        return new BackfillConfig(instances, clients, supabase, run, webhook);
    }

    private static List<BackfillConfig.Instance> instances(List<Obj> items) {
        List<BackfillConfig.Instance> out = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            Obj o = items.get(i);
            String name = o.name("name");
            String previous = names.putIfAbsent(name, o.path);
            if (previous != null) {
                throw new ConfigException(o.field("name"), "\"" + name + "\" is also the name of " + previous);
            }
            boolean insecure = o.bool("allow_insecure_http", false);
            String baseUrl = o.url("base_url", insecure);
            String keyEnv = o.envName("super_admin_key_env", false);
            Duration settle = o.duration("settle_delay");
            Double rps = o.positiveNumber("requests_per_second");
            Long concurrent = o.positiveLong("max_concurrent_requests");
            o.finish();
            out.add(new BackfillConfig.Instance(i, name, baseUrl, keyEnv, settle, rps,
                    concurrent == null ? null : Math.toIntExact(Math.min(concurrent, Integer.MAX_VALUE)), insecure));
        }
        return out;
    }

    private static List<BackfillConfig.Client> clients(List<Obj> items, List<BackfillConfig.Instance> instances) {
        List<BackfillConfig.Client> out = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        Map<String, String> workspaces = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            Obj o = items.get(i);
            String name = o.name("name");
            String previous = names.putIfAbsent(name.toLowerCase(Locale.ROOT), o.path);
            if (previous != null) {
                throw new ConfigException(o.field("name"), "\"" + name + "\" is also the name of " + previous
                        + " (names are compared ignoring case: they become workspace_name, half of the table's key)");
            }
            String instance = o.string("instance", true);
            BackfillConfig.Instance inst = instances.stream().filter(x -> x.name().equals(instance)).findFirst()
                    .orElseThrow(() -> new ConfigException(o.field("instance"), "unknown instance \"" + instance
                            + "\" (configured: " + String.join(", ", instances.stream().map(BackfillConfig.Instance::name).toList()) + ")"));
            Long id = o.positiveLong("workspace_id");
            if (id == null) {
                throw new ConfigException(o.field("workspace_id"), "missing");
            }
            String ws = instance + "/" + id;
            String previousWs = workspaces.putIfAbsent(ws, o.path);
            if (previousWs != null) {
                throw new ConfigException(o.field("workspace_id"), "workspace " + id + " of instance \"" + instance
                        + "\" is also configured as " + previousWs);
            }
            String apiKeyEnv = o.envName("api_key_env", false);
            if (apiKeyEnv == null && inst.superAdminKeyEnv() == null) {
                throw new ConfigException(o.field("api_key_env"), "missing: instance \"" + instance
                        + "\" has no super_admin_key_env, so this client needs its own api-user key");
            }
            o.finish();
            out.add(new BackfillConfig.Client(i, name, instance, id, apiKeyEnv));
        }
        return out;
    }

    private static BackfillConfig.Supabase supabase(Obj o) {
        String url = o.has("url") ? o.url("url", false) : null;
        boolean insecure = o.bool("allow_insecure_http", false);
        String restUrl = o.has("rest_url") ? o.url("rest_url", insecure) : null;
        if (url != null && restUrl != null) {
            throw new ConfigException("supabase", "set url (a Supabase project) or rest_url (a raw PostgREST), not both");
        }
        if (url == null && restUrl == null) {
            throw new ConfigException("supabase.url", "missing (or set supabase.rest_url for a raw PostgREST)");
        }
        if (url != null && insecure && url.startsWith("http://")) {
            throw new ConfigException("supabase.url", "a Supabase project URL is https://");
        }
        String keyEnv = o.envName("key_env", false);
        String table = o.string("table", false);
        if (table != null && !TABLE_NAME.matcher(table).matches()) {
            throw new ConfigException(o.field("table"), "\"" + table + "\" is not a plain lower-case table name");
        }
        o.finish();
        return new BackfillConfig.Supabase(url, restUrl, keyEnv == null ? BackfillConfig.DEFAULT_SUPABASE_KEY_ENV : keyEnv,
                table == null ? BackfillConfig.Supabase.DEFAULT_TABLE : table, insecure);
    }

    private static BackfillConfig.Run run(Obj o, Path baseDir) {
        BackfillConfig.Run d = BackfillConfig.Run.defaults();
        if (o == null) {
            return d;
        }
        Long batch = o.positiveLong("clients_per_batch");
        Long scans = o.positiveLong("parallel_scans");
        Duration betweenClients = o.duration("delay_between_clients");
        Duration betweenBatches = o.duration("delay_between_batches");
        ZoneId zone = d.timeZone();
        String zoneText = o.string("time_zone", false);
        if (zoneText != null) {
            try {
                zone = ZoneId.of(zoneText);
            } catch (DateTimeException e) {
                throw new ConfigException(o.field("time_zone"), "\"" + zoneText
                        + "\" is not a time zone (use an IANA name such as America/Los_Angeles, or UTC)");
            }
        }
        String checkpoint = o.string("checkpoint_file", false);
        String keyStore = o.string("key_store", false);
        o.finish();
        return new BackfillConfig.Run(batch == null ? d.clientsPerBatch() : Math.toIntExact(Math.min(batch, 10_000)),
                scans == null ? d.parallelScans() : Math.toIntExact(Math.min(scans, 1_000)),
                betweenClients == null ? d.delayBetweenClients() : betweenClients,
                betweenBatches == null ? d.delayBetweenBatches() : betweenBatches, zone,
                checkpoint == null ? null : resolve(baseDir, checkpoint), keyStore == null ? null : resolve(baseDir, keyStore));
    }

    /** A path of the config, relative to the config file's directory. */
    private static Path resolve(Path baseDir, String path) {
        return (baseDir == null ? Path.of(path) : baseDir.resolve(path)).normalize();
    }

    /**
     * Parses a duration: {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 1m}, {@code 1h}, or ISO-8601
     * ({@code PT2S}).
     *
     * @param text the text
     * @return the duration
     * @throws IllegalArgumentException when it is none of these or negative
     */
    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE_DURATION.matcher(t);
        if (m.matches()) {
            double v = Double.parseDouble(m.group(1));
            double ms = switch (m.group(2)) {
                case "ms" -> v;
                case "s" -> v * 1000;
                case "m" -> v * 60_000;
                default -> v * 3_600_000;
            };
            return Duration.ofMillis(Math.round(ms));
        }
        try {
            Duration d = Duration.parse(text.trim());
            if (d.isNegative()) {
                throw new IllegalArgumentException("negative");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration");
        }
    }

    /** One JSON object being read: remembers the fields used so that the rest can be rejected as unknown. */
    private static final class Obj {
        final JsonNode node;
        final String path;
        final Set<String> known = new LinkedHashSet<>();

        Obj(JsonNode node, String path) {
            if (!node.isObject()) {
                throw new ConfigException(path.isEmpty() ? null : path, (path.isEmpty() ? "the config file " : "")
                        + "must be an object (key: value pairs), got " + kind(node));
            }
            this.node = node;
            this.path = path;
        }

        String field(String name) {
            return path.isEmpty() ? name : path + "." + name;
        }

        boolean has(String name) {
            known.add(name);
            JsonNode v = node.get(name);
            return v != null && !v.isNull();
        }

        JsonNode get(String name, boolean required) {
            known.add(name);
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                if (required) {
                    throw new ConfigException(field(name), "missing");
                }
                return null;
            }
            return v;
        }

        String string(String name, boolean required) {
            JsonNode v = get(name, required);
            if (v == null) {
                return null;
            }
            if (!v.isTextual()) {
                throw new ConfigException(field(name), "must be a string, got " + kind(v));
            }
            if (v.textValue().isBlank()) {
                if (required) {
                    throw new ConfigException(field(name), "missing (blank)");
                }
                throw new ConfigException(field(name), "blank");
            }
            return v.textValue();
        }

        String name(String name) {
            String v = string(name, true);
            if (!v.equals(v.strip())) {
                throw new ConfigException(field(name), "\"" + v + "\" has leading or trailing whitespace");
            }
            return v;
        }

        String envName(String name, boolean required) {
            String v = string(name, required);
            if (v != null && !ENV_NAME.matcher(v).matches()) {
                // The value is not echoed: people paste the key itself here.
                throw new ConfigException(field(name), "not an environment variable name (letters, digits, _):"
                        + " put the secret in the environment and the variable's name here");
            }
            return v;
        }

        String url(String name, boolean allowInsecureHttp) {
            String v = string(name, true);
            URI uri;
            try {
                uri = new URI(v.trim());
            } catch (URISyntaxException e) {
                throw new ConfigException(field(name), "not a URL: \"" + abbreviate(v) + "\"");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
                throw new ConfigException(field(name), "not a URL: \"" + abbreviate(v) + "\" (expected https://host...)");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw new ConfigException(field(name), "must not carry a query, fragment or credentials");
            }
            if (scheme.equals("http") && !allowInsecureHttp && !Loopback.isLoopback(uri.getHost())) {
                throw new ConfigException(field(name), "plain http:// is only allowed for loopback hosts: use https://,"
                        + " or set " + field("allow_insecure_http") + ": true");
            }
            return v.trim();
        }

        boolean bool(String name, boolean dflt) {
            JsonNode v = get(name, false);
            if (v == null) {
                return dflt;
            }
            if (!v.isBoolean()) {
                throw new ConfigException(field(name), "must be true or false, got " + kind(v));
            }
            return v.booleanValue();
        }

        Long positiveLong(String name) {
            JsonNode v = get(name, false);
            if (v == null) {
                return null;
            }
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw new ConfigException(field(name), "must be a whole number, got " + kind(v));
            }
            if (v.longValue() <= 0) {
                throw new ConfigException(field(name), "must be positive, got " + v.longValue());
            }
            return v.longValue();
        }

        Double positiveNumber(String name) {
            JsonNode v = get(name, false);
            if (v == null) {
                return null;
            }
            if (!v.isNumber()) {
                throw new ConfigException(field(name), "must be a number, got " + kind(v));
            }
            if (!(v.doubleValue() > 0) || Double.isInfinite(v.doubleValue())) {
                throw new ConfigException(field(name), "must be positive, got " + v.asText());
            }
            return v.doubleValue();
        }

        Duration duration(String name) {
            JsonNode v = get(name, false);
            if (v == null) {
                return null;
            }
            if (!v.isTextual()) {
                throw new ConfigException(field(name), "must be a duration such as \"500ms\", \"2s\" or \"1m\", got " + kind(v));
            }
            try {
                return parseDuration(v.textValue());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(field(name), "\"" + abbreviate(v.textValue())
                        + "\" is not a duration (use \"500ms\", \"2s\", \"1.5s\", \"1m\" or ISO-8601 \"PT2S\")");
            }
        }

        Obj object(String name, boolean required) {
            JsonNode v = get(name, required);
            return v == null ? null : new Obj(v, field(name));
        }

        List<Obj> array(String name, boolean required) {
            JsonNode v = get(name, required);
            if (v == null) {
                return List.of();
            }
            if (!v.isArray()) {
                throw new ConfigException(field(name), "must be a list, got " + kind(v));
            }
            if (v.isEmpty()) {
                throw new ConfigException(field(name), "must not be empty");
            }
            List<Obj> out = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                out.add(new Obj(v.get(i), field(name) + "[" + i + "]"));
            }
            return out;
        }

        void finish() {
            Set<String> unknown = new HashSet<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!known.contains(f)) {
                    unknown.add(f);
                }
            }
            if (!unknown.isEmpty()) {
                String f = unknown.stream().sorted().findFirst().orElseThrow();
                throw new ConfigException(field(f), "unknown field (known here: " + String.join(", ", known) + ")");
            }
        }
    }

    private static String kind(JsonNode v) {
        if (v.isTextual()) {
            return "the string \"" + abbreviate(v.textValue()) + "\"";
        }
        if (v.isNumber() || v.isBoolean()) {
            return v.asText();
        }
        return v.isArray() ? "a list" : v.isObject() ? "an object" : v.getNodeType().toString().toLowerCase(Locale.ROOT);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
