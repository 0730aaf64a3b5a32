package io.github.bisonbackfill.bison;

/**
 * A newly created {@code api-user} key. The token is shown by Email Bison only once: store it.
 * {@link #toString()} never reveals it.
 *
 * @param id          the key's id
 * @param name        the key's name
 * @param workspaceId the workspace it is scoped to
 * @param token       the secret {@code <id>|<secret>} value
 */
public record MintedKey(long id, String name, long workspaceId, String token) {
    @Override
    public String toString() {
        return "MintedKey[id=" + id + ", name=" + name + ", workspaceId=" + workspaceId + ", token=<redacted>]";
    }
}
