package io.github.bisonbackfill.bison;

/**
 * Progress of a scan after one page was accepted (proven to belong to the workspace).
 *
 * @param workspaceId       the workspace being scanned
 * @param page              the page number just accepted (1-based)
 * @param lastPage          {@code meta.last_page} as currently known; may grow during a scan
 * @param repliesOnPage     replies on the page before the {@code interested} filter
 * @param interestedOnPage  replies on the page with {@code interested == true}
 */
public record PageProgress(long workspaceId, int page, int lastPage, int repliesOnPage, int interestedOnPage) {
}
