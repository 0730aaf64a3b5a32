package io.github.bisonbackfill.bison.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * This module's version, from {@code version.properties} (filled in by the build), for the
 * User-Agent. {@code "unknown"} if the resource is missing or unfiltered (a broken build), never an
 * exception.
 */
public final class LibraryVersion {
    /** The version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static final String VERSION = load();

    private LibraryVersion() {
    }

    private static String load() {
        try (InputStream in = LibraryVersion.class.getResourceAsStream("/io/github/bisonbackfill/bison/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").strip();
            return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
