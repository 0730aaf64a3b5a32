package io.github.bisonbackfill.bison.internal;

import io.github.bisonbackfill.bison.internal.BisonJson.RepliesPage;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The data tripwire of one client: the workspace each reply id was first read under. Replies of two
 * workspaces are disjoint, so a reply id seen under a second workspace proves one of the two reads
 * came from the wrong workspace. Thread-safe.
 */
final class ReplyTripwire {
    private final ConcurrentMap<Long, Long> owners = new ConcurrentHashMap<>();

    /**
     * Checks a group of pages without registering it.
     *
     * @return the first reply already read under another workspace, described, or {@code null}
     */
    @Nullable String conflict(long workspaceId, List<RepliesPage> group) {
        for (RepliesPage page : group) {
            for (long id : page.replyIds()) {
                Long owner = owners.get(id);
                if (owner != null && owner != workspaceId) {
                    return describe(id, page, owner);
                }
            }
        }
        return null;
    }

    /**
     * Registers the group's reply ids under the workspace; on a (concurrent) conflict takes back its
     * own entries.
     *
     * @param added receives the ids this call registered (not those registered before)
     * @return the conflict, described, or {@code null}
     */
    @Nullable String register(long workspaceId, List<RepliesPage> group, Collection<Long> added) {
        List<Long> mine = new ArrayList<>();
        for (RepliesPage page : group) {
            for (long id : page.replyIds()) {
                Long owner = owners.putIfAbsent(id, workspaceId);
                if (owner == null) {
                    mine.add(id);
                } else if (owner != workspaceId) {
                    release(workspaceId, mine);
                    return describe(id, page, owner);
                }
            }
        }
        added.addAll(mine);
        return null;
    }

    /** Takes back entries registered under the workspace (a discarded pass). */
    void release(long workspaceId, Collection<Long> ids) {
        ids.forEach(id -> owners.remove(id, workspaceId));
    }

    private static String describe(long id, RepliesPage page, long owner) {
        return "reply " + id + " on page " + page.page() + " was already read under workspace " + owner
                + " by this client";
    }
}
