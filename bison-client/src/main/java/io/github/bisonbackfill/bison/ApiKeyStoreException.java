package io.github.bisonbackfill.bison;

import org.jspecify.annotations.Nullable;

import java.nio.file.Path;
import java.util.Optional;

/**
 * An {@link ApiKeyStore} could not read or save its keys: its file is readable or writable by group
 * or others, is not valid JSON or not a key store, cannot be read or written, or a mint supplied no
 * key. The message names the file and what to do (for example {@code chmod 600 <file>}); it never
 * contains a key, nor an excerpt of the file's content. Not retried by the store.
 */
public class ApiKeyStoreException extends BisonException {
    private static final long serialVersionUID = 1L;

    // A String, not a Path: Path is not Serializable.
    private final @Nullable String file;

    /**
     * Creates an exception.
     *
     * @param message what happened and what to do (must not contain secrets)
     * @param file    the store's file, or {@code null} for a store without one
     * @param cause   the underlying cause, or {@code null}; its message must not contain secrets either
     */
    public ApiKeyStoreException(String message, @Nullable Path file, @Nullable Throwable cause) {
        super(message, cause);
        this.file = file == null ? null : file.toString();
    }

    /** Returns the store's file, or empty for a store without one (the in-memory store). */
    public Optional<Path> file() {
        return Optional.ofNullable(file).map(Path::of);
    }
}
