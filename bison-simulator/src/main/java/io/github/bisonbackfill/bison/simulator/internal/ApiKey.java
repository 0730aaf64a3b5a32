package io.github.bisonbackfill.bison.simulator.internal;

import org.jspecify.annotations.Nullable;

/**
 * One API key of an instance. {@code toString()} never shows the secret.
 *
 * @param id          the key id (the part before {@code |})
 * @param name        the key name
 * @param secret      the secret (the part after {@code |})
 * @param superAdmin  whether it is a super-admin key (else api-user)
 * @param workspaceId the workspace of an api-user key, {@code null} for super-admin
 * @param bucket      its rate-limit bucket, {@code null} when unlimited
 */
public record ApiKey(long id, String name, String secret, boolean superAdmin, @Nullable Long workspaceId,
                     @Nullable TokenBucket bucket) {

    /**
     * The bearer token {@code <id>|<secret>}.
     *
     * @return the token
     */
    public String token() {
        return id + "|" + secret;
    }

    @Override
    public String toString() {
        return "ApiKey[id=" + id + ", name=" + name + ", superAdmin=" + superAdmin + ", workspaceId="
                + workspaceId + ", secret=<redacted>]";
    }
}
