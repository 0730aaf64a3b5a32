package io.github.bisonbackfill.bison.internal;

/**
 * An Email Bison API key. Holding the secret in this type keeps it out of string concatenation by
 * accident: {@link #toString()} never reveals it. Equal by value, so it can key per-key limits.
 */
public final class ApiKey {
    private final String secret;
    private final String label;

    /**
     * Wraps a key.
     *
     * @param secret the key text
     * @param label  a non-secret description, e.g. {@code "super-admin key"}
     */
    public ApiKey(String secret, String label) {
        this.secret = secret;
        this.label = label;
    }

    /** Returns the secret text; only for the {@code Authorization} header and for redaction. */
    String secret() {
        return secret;
    }

    /** Returns the non-secret description of the key. */
    public String label() {
        return label;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiKey other && other.secret.equals(secret);
    }

    @Override
    public int hashCode() {
        return secret.hashCode();
    }

    @Override
    public String toString() {
        return label + "=<redacted>";
    }
}
