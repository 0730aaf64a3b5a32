package io.github.bisonbackfill.examples;

import java.io.IOException;
import java.net.InetAddress;

/** The examples' one rule for "plain http is fine here": a loopback host, decided without DNS. */
public final class Loopback {
    private Loopback() {
    }

    /**
     * Whether {@code host} is {@code localhost} or a literal loopback address ({@code 127.x.x.x},
     * {@code ::1}, with or without brackets). A name other than {@code localhost} is never resolved.
     *
     * @param host a URI host, may be {@code null}
     * @return whether it is loopback
     */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+") && !h.contains(":")) {
            return false; // a name: never resolved (no DNS lookups to decide on security)
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }
}
