package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.ScanResult;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a lead came from: the Email Bison instance and workspace, as written to the
 * {@code bison_instance}, {@code bison_workspace_id}, {@code workspace_name} and
 * {@code bison_conversation_url} columns.
 *
 * @param instance      the instance name ({@code BisonClient.instanceName}, default its host). Part
 *                      of the unique key {@code (bison_instance, bison_reply_id)}: keep it stable
 *                      across runs
 * @param baseUrl       the instance base URL ({@code https://send.agency.example}); its scheme,
 *                      host and port make the inbox link
 * @param workspaceId   the workspace id within the instance
 * @param workspaceName the workspace name exactly as Email Bison reports it (the conflict key's
 *                      second column)
 */
public record SourceWorkspace(String instance, URI baseUrl, long workspaceId, String workspaceName) {
    /**
     * @throws NullPointerException     if a reference is {@code null}
     * @throws IllegalArgumentException if {@code instance} or {@code workspaceName} is blank, or
     *                                  {@code baseUrl} is not an absolute http(s) URL with a host
     */
    public SourceWorkspace {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(workspaceName, "workspaceName");
        if (instance.isBlank()) {
            throw new IllegalArgumentException("instance must not be blank");
        }
        if (workspaceName.isBlank()) {
            throw new IllegalArgumentException("workspaceName must not be blank (workspace " + workspaceId + ")");
        }
        String scheme = baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL with a host, got: " + baseUrl);
        }
    }

    /**
     * The source of a scan.
     *
     * @param scan    a scan of one workspace
     * @param baseUrl the base URL of the instance that scanned it
     * @return instance, workspace id and confirmed workspace name of the scan
     */
    public static SourceWorkspace of(ScanResult scan, URI baseUrl) {
        return new SourceWorkspace(scan.instance(), baseUrl, scan.workspaceId(), scan.workspaceName());
    }
}
