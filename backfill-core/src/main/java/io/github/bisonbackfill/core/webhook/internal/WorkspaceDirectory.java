package io.github.bisonbackfill.core.webhook.internal;

import io.github.bisonbackfill.core.SourceWorkspace;
import org.jspecify.annotations.Nullable;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The configured workspaces, found by the instance a delivery names ({@code event.instance_url},
 * compared by host and non-default port, case-insensitively; scheme, path and a trailing slash do not
 * matter) and {@code event.workspace_id}. Immutable and thread-safe.
 */
public final class WorkspaceDirectory {
    private final Map<String, SourceWorkspace> byKey = new HashMap<>();
    private final Set<String> instances = new LinkedHashSet<>();

    /**
     * @param workspaces the known workspaces
     * @throws IllegalArgumentException when two share an instance host and workspace id
     */
    public WorkspaceDirectory(Collection<SourceWorkspace> workspaces) {
        for (SourceWorkspace w : workspaces) {
            String instance = instanceKey(w.baseUrl());
            SourceWorkspace previous = byKey.putIfAbsent(instance + "#" + w.workspaceId(), w);
            if (previous != null) {
                throw new IllegalArgumentException("workspace " + w.workspaceId() + " of " + instance
                        + " is configured twice (\"" + previous.workspaceName() + "\" and \"" + w.workspaceName() + "\")");
            }
            instances.add(instance);
        }
    }

    /** @return how many workspaces are configured */
    public int size() {
        return byKey.size();
    }

    /**
     * Finds the workspace of a delivery. Without an {@code instance_url} the workspace id is looked
     * up only when a single instance is configured: ids repeat across instances.
     *
     * @param instanceUrl {@code event.instance_url}, may be {@code null}
     * @param workspaceId {@code event.workspace_id}
     * @return the workspace, or a message saying why none matched
     */
    public Lookup find(@Nullable String instanceUrl, long workspaceId) {
        String instance;
        if (instanceUrl == null) {
            if (instances.size() != 1) {
                return new Lookup(null, "the delivery has no event.instance_url and " + instances.size()
                        + " instances are configured: cannot tell which instance workspace " + workspaceId + " is on");
            }
            instance = instances.iterator().next();
        } else {
            Optional<String> key = parseInstance(instanceUrl);
            if (key.isEmpty()) {
                return new Lookup(null, "event.instance_url is not a URL: \"" + instanceUrl + "\"");
            }
            instance = key.get();
        }
        SourceWorkspace w = byKey.get(instance + "#" + workspaceId);
        if (w != null) {
            return new Lookup(w, null);
        }
        String known = instances.contains(instance) ? "" : " (instance " + instance + " is not configured; configured: "
                + String.join(", ", instances) + ")";
        return new Lookup(null, "workspace " + workspaceId + " of instance " + instance + " is not configured" + known);
    }

    /**
     * A lookup result.
     *
     * @param workspace the match, or {@code null}
     * @param problem   why there is none, or {@code null}
     */
    public record Lookup(@Nullable SourceWorkspace workspace, @Nullable String problem) {
    }

    private static Optional<String> parseInstance(String url) {
        String u = url.contains("://") ? url : "https://" + url;
        try {
            URI uri = new URI(u);
            return uri.getHost() == null ? Optional.empty() : Optional.of(instanceKey(uri));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static String instanceKey(URI uri) {
        String scheme = uri.getScheme() == null ? "https" : uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port < 0 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
        return uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }
}
