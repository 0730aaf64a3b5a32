package io.github.bisonbackfill.bison;

import io.github.bisonbackfill.bison.internal.FileApiKeyStore;
import io.github.bisonbackfill.bison.internal.InMemoryApiKeyStore;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Stores Email Bison {@code api-user} keys, at most one per (instance, workspace), so a workspace
 * that has no configured key gets one minted once and reused from then on.
 *
 * <p>Email Bison has no endpoint to revoke a key: a minted key stays valid until someone deletes it
 * in the web UI. A store therefore never mints a second key for a workspace it already holds one
 * for, also when several threads and (for {@link #file(Path)}) several processes ask at once:
 * minting happens inside the store's exclusive section, and a caller that waited gets the key the
 * first one minted. The key is saved <em>before</em> {@link #getOrCreate} returns it, so a crash
 * after minting never loses a key that may already be in use.
 *
 * <p>The instance is identified by a string, normally the client's normalised base URL
 * ({@link BisonClient#baseUrl()}, e.g. {@code "https://send.agency.example"}); it is compared
 * exactly, so pass it in one spelling. Workspace ids are Email Bison's ({@code > 0}).
 *
 * <pre>{@code
 * ApiKeyStore store = ApiKeyStore.file(Path.of("bison-keys.json"));
 * String key = store.getOrCreate(client.baseUrl(), 37,
 *         () -> client.mintApiUserKey(37, "bison-backfill").token());
 * }</pre>
 *
 * <p>Implementations are thread-safe. Their {@code toString()} shows where the keys are and how
 * many, never a key; their exceptions never contain a key.
 */
public interface ApiKeyStore {

    /**
     * Returns the stored key of a workspace, without minting.
     *
     * @param instance    the instance's identity (its normalised base URL)
     * @param workspaceId the workspace id ({@code > 0})
     * @return the stored key, or empty when the store holds none for the workspace
     * @throws IllegalArgumentException if {@code instance} is blank or {@code workspaceId <= 0}
     * @throws NullPointerException     if {@code instance} is {@code null}
     * @throws ApiKeyStoreException     if the store cannot be read (a file store's file is unreadable,
     *                                  open to group or others, or corrupt)
     */
    Optional<String> find(String instance, long workspaceId);

    /**
     * Returns the stored key of a workspace, minting and saving one if there is none.
     *
     * <p>The stored key is looked up first; if there is none, the store enters its exclusive section,
     * looks again (another thread or process may have minted meanwhile), and only then calls
     * {@code mint} exactly once, saves its result and returns it. If {@code mint} throws, nothing is
     * stored and its exception propagates unchanged; if saving fails, an {@link ApiKeyStoreException}
     * says so (the minted key then exists in Email Bison but not in the store: the message says to
     * delete it in the web UI).
     *
     * <p>{@code mint} runs while the store is locked: it must not call the same store (that throws
     * {@link IllegalStateException}), and other callers of the store wait until it returns, so it
     * should be bounded (a {@link BisonClient} call is, by its call timeout).
     *
     * @param instance    the instance's identity (its normalised base URL)
     * @param workspaceId the workspace id ({@code > 0})
     * @param mint        creates a new key for the workspace, e.g.
     *                    {@code () -> client.mintApiUserKey(id, name).token()}
     * @return the stored or newly minted key
     * @throws IllegalArgumentException if {@code instance} is blank or {@code workspaceId <= 0}
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalStateException    if called from inside a {@code mint} of the same store
     * @throws ApiKeyStoreException     if the store cannot be read or saved, or {@code mint} returned
     *                                  {@code null} or a blank key (nothing is stored then)
     */
    String getOrCreate(String instance, long workspaceId, Supplier<String> mint);

    /**
     * Replaces a stored key that Email Bison rejected (it answered 401), unless another caller has
     * replaced it already.
     *
     * <p>Inside the store's exclusive section: if the stored key is still {@code rejectedKey}, or the
     * store holds no key for the workspace, {@code mint} is called once and its result saved and
     * returned; if the stored key is another one, that key is returned without minting. The rejected
     * key is dropped from the store but, as the API cannot revoke keys, may still exist in Email
     * Bison; delete it in the web UI. The same rules as {@link #getOrCreate} apply to {@code mint}.
     *
     * @param instance    the instance's identity (its normalised base URL)
     * @param workspaceId the workspace id ({@code > 0})
     * @param rejectedKey the stored key that Email Bison rejected
     * @param mint        creates a new key for the workspace
     * @return the new key, or the key another caller stored meanwhile
     * @throws IllegalArgumentException if {@code instance} is blank or {@code workspaceId <= 0}
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalStateException    if called from inside a {@code mint} of the same store
     * @throws ApiKeyStoreException     if the store cannot be read or saved, or {@code mint} returned
     *                                  {@code null} or a blank key (nothing is changed then)
     */
    String replace(String instance, long workspaceId, String rejectedKey, Supplier<String> mint);

    /**
     * Returns a new, empty store that keeps keys in this JVM only; they are lost when it exits. For
     * tests, and for runs that must not write credentials to disk (every run then mints anew, so
     * prefer {@link #file(Path)} for real accounts). Minting is serialised per store.
     *
     * @return the store
     */
    static ApiKeyStore inMemory() {
        return new InMemoryApiKeyStore();
    }

    /**
     * Returns a store that keeps keys in a JSON file, shared by every thread and process that uses
     * the same file. Nothing is read or created until the first call.
     *
     * <p>The format (version 1), written with entries sorted by instance and workspace:
     * <pre>{@code
     * {
     *   "version" : 1,
     *   "keys" : [ {
     *     "instance" : "https://send.agency.example",
     *     "workspaceId" : 37,
     *     "key" : "12|...",
     *     "createdAt" : "2026-11-30T16:20:05.123Z"
     *   } ]
     * }
     * }</pre>
     * An empty (zero-byte or blank) file is an empty store. Unknown fields, a missing or other
     * version, duplicate entries or values of the wrong type make the file unusable: the store then
     * throws {@link ApiKeyStoreException} naming the file and never overwrites it.
     *
     * <p>Safety on POSIX file systems: the file, its lock file {@code <file>.lock} and any missing
     * parent directories are created owner-only ({@code rw-------}, directories {@code rwx------})
     * at creation, not changed afterwards; an existing file or lock file that group or others may
     * read or write is refused ({@code chmod 600 <file>} is the fix), as is a symbolic link. Every
     * update re-reads the file inside the lock, writes a temporary file beside it (owner-only),
     * forces it to disk and moves it over the file atomically, so a reader never sees a partial file
     * and a crash leaves the old or the new file. Exclusion: an in-JVM lock per file, then an OS
     * lock ({@link java.nio.channels.FileLock}) on {@code <file>.lock}, released by the OS if the
     * process dies. The lock file is left in place (deleting it would let two processes lock
     * different files).
     *
     * <p>On a file system without POSIX permissions (Windows, some network shares), permissions are
     * neither set nor checked: the file gets the access rules of its directory, so keep it in a
     * directory only its owner can read (e.g. under the user's profile). Atomic replacement and
     * locking work as above where the file system supports them (local NTFS does); a file system
     * that cannot move atomically makes every update fail with {@link ApiKeyStoreException}.
     *
     * @param file the key store file (created on the first mint if missing)
     * @return the store
     * @throws NullPointerException if {@code file} is {@code null}
     */
    static ApiKeyStore file(Path file) {
        return new FileApiKeyStore(file);
    }
}
