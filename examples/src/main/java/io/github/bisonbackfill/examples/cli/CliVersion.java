package io.github.bisonbackfill.examples.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The CLI's version, from the build: {@code version.properties} next to this class is filtered by
 * Maven with {@code ${project.version}}. Thread-safe.
 */
final class CliVersion implements CommandLine.IVersionProvider {
    /** The classpath resource holding {@code version=...}. */
    static final String RESOURCE = "version.properties";

    private static final String VERSION = load();

    /** @return the project version this CLI was built as, e.g. {@code 0.1.0} */
    static String version() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = CliVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " missing next to " + CliVersion.class.getName()
                        + ": a broken build");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version");
            if (v == null || v.isBlank() || v.contains("${")) {
                throw new IllegalStateException(RESOURCE + " was not filtered by the build (version=" + v + ")");
            }
            return v.strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"bison-backfill " + VERSION,
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }
}
