package io.github.bisonbackfill.bison.simulator.internal;

import io.github.bisonbackfill.bison.simulator.Fault;
import io.github.bisonbackfill.bison.simulator.RequestInfo;
import io.github.bisonbackfill.bison.simulator.RequestMatcher;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoublePredicate;

/**
 * Programmed faults and served-request triggers, shared by every instance of a simulator.
 * Thread-safe; a counted rule is consumed exactly {@code n} times even under concurrent requests.
 */
public final class FaultRegistry {

    private static final int FOREVER = -1;

    private record Rule(RequestMatcher matcher, AtomicInteger remaining, double probability, Fault fault) {
    }

    private record Trigger(RequestMatcher matcher, AtomicInteger remaining, Runnable action) {
    }

    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<Trigger> triggers = new CopyOnWriteArrayList<>();

    /** Creates an empty registry. */
    public FaultRegistry() {
    }

    /**
     * Adds a rule.
     *
     * @param matcher     which requests
     * @param times       how many matching requests it hits, {@code -1} for all
     * @param probability probability of hitting a matching request (1 for always)
     * @param fault       the fault
     */
    public void add(RequestMatcher matcher, int times, double probability, Fault fault) {
        rules.add(new Rule(matcher, new AtomicInteger(times), probability, fault));
    }

    /**
     * Adds a trigger run once per matching served request, {@code times} times.
     *
     * @param matcher which requests
     * @param times   how many times
     * @param action  what to run (before the response is written)
     */
    public void addTrigger(RequestMatcher matcher, int times, Runnable action) {
        triggers.add(new Trigger(matcher, new AtomicInteger(times), action));
    }

    /** Removes every rule and trigger. */
    public void clear() {
        rules.clear();
        triggers.clear();
    }

    /** @return rules still able to fire */
    public int activeRules() {
        return (int) rules.stream().filter(r -> r.remaining().get() != 0).count();
    }

    private static boolean consume(AtomicInteger remaining) {
        while (true) {
            int n = remaining.get();
            if (n == FOREVER) {
                return true;
            }
            if (n == 0) {
                return false;
            }
            if (remaining.compareAndSet(n, n - 1)) {
                return true;
            }
        }
    }

    /**
     * The fault for this request, consuming one use of the first matching rule.
     *
     * @param request the request
     * @param hits    whether a probabilistic rule with the given probability hits this request (a draw
     *                from the serving instance's fault-rule stream)
     * @return the fault, or {@code null}
     */
    public @Nullable Fault take(RequestInfo request, DoublePredicate hits) {
        for (Rule rule : rules) {
            if (rule.remaining().get() == 0 || !rule.matcher().matches(request)) {
                continue;
            }
            if (rule.probability() < 1 && !hits.test(rule.probability())) {
                continue;
            }
            if (consume(rule.remaining())) {
                if (rule.remaining().get() == 0) {
                    rules.remove(rule);
                }
                return rule.fault();
            }
        }
        return null;
    }

    /**
     * The trigger actions due for this served request (each consumed once).
     *
     * @param request the request
     * @return the actions, possibly empty
     */
    public List<Runnable> takeTriggers(RequestInfo request) {
        List<Runnable> due = new ArrayList<>();
        for (Trigger t : triggers) {
            if (t.remaining().get() != 0 && t.matcher().matches(request) && consume(t.remaining())) {
                due.add(t.action());
                if (t.remaining().get() == 0) {
                    triggers.remove(t);
                }
            }
        }
        return due;
    }
}
