package io.github.bisonbackfill.bison.simulator;

import java.util.Objects;

/**
 * Selects requests for injected faults and triggers. Combine the factories with {@link #and}, or
 * write a lambda over {@link RequestInfo}:
 *
 * <pre>{@code
 * RequestMatcher m = RequestMatcher.endpoint(Endpoint.REPLIES).onPage(3).onInstance("main");
 * RequestMatcher custom = r -> r.query().containsKey("interested");
 * }</pre>
 *
 * <p>Implementations must be thread-safe (they are called from the server's handler threads).
 */
@FunctionalInterface
public interface RequestMatcher {

    /**
     * Tells whether the request is selected.
     *
     * @param request the request being served
     * @return {@code true} to select it
     */
    boolean matches(RequestInfo request);

    /**
     * Matches every request.
     *
     * @return a matcher selecting everything
     */
    static RequestMatcher any() {
        return r -> true;
    }

    /**
     * Matches requests to one endpoint.
     *
     * @param endpoint the endpoint
     * @return the matcher
     * @throws NullPointerException if {@code endpoint} is {@code null}
     */
    static RequestMatcher endpoint(Endpoint endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        return r -> r.endpoint() == endpoint;
    }

    /**
     * Matches {@code GET /api/replies} for one page number (as {@link RequestInfo#page()} reads it).
     *
     * @param page the page number, 1-based
     * @return the matcher
     */
    static RequestMatcher repliesPage(int page) {
        return endpoint(Endpoint.REPLIES).onPage(page);
    }

    /**
     * Both this and {@code other} must match.
     *
     * @param other the other matcher
     * @return the combined matcher
     */
    default RequestMatcher and(RequestMatcher other) {
        Objects.requireNonNull(other, "other");
        return r -> matches(r) && other.matches(r);
    }

    /**
     * Restricts this matcher to one instance.
     *
     * @param instance the instance name
     * @return the restricted matcher
     */
    default RequestMatcher onInstance(String instance) {
        Objects.requireNonNull(instance, "instance");
        return and(r -> r.instance().equals(instance));
    }

    /**
     * Restricts this matcher to one page number.
     *
     * @param page the page number, 1-based
     * @return the restricted matcher
     */
    default RequestMatcher onPage(int page) {
        return and(r -> r.page() == page);
    }

    /**
     * Restricts this matcher to requests served from one workspace.
     *
     * @param workspaceId the workspace id
     * @return the restricted matcher
     */
    default RequestMatcher onWorkspace(long workspaceId) {
        return and(r -> r.workspaceId() != null && r.workspaceId() == workspaceId);
    }
}
