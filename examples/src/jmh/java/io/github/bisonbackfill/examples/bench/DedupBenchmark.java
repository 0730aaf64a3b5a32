package io.github.bisonbackfill.examples.bench;

import io.github.bisonbackfill.bison.Lead;
import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.core.LeadDedup;
import io.github.bisonbackfill.core.LeadDedupResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * {@link LeadDedup#apply} over 1,000,000 replies of 300,000 distinct leads, on one core.
 *
 * <p>Each lead replies 3–4 times on average; its email arrives as Email Bison sends it: most in lower
 * case, the others capitalised, upper-cased or with stray spaces (the mix the simulator generates), so
 * the normaliser has real work. A tenth of the replies are untracked (no nested lead: the key comes from
 * {@code from_email_address}). The replies are shuffled, so equal emails are far apart. The forked JVM
 * sees one processor ({@code -XX:ActiveProcessorCount=1}, hence the serial collector): the figure is
 * single-core, collection included. Run with {@code scripts/bench-backfill.sh dedup}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-XX:ActiveProcessorCount=1", "-Xms3g", "-Xmx3g"})
public class DedupBenchmark {
    /** Replies in one call. */
    @Param("1000000")
    public int replies;

    /** Distinct leads among them. */
    @Param("300000")
    public int emails;

    private List<Reply> input;

    /** Builds the replies once per trial (deterministic). */
    @Setup
    public void setUp() {
        Random random = new Random(42);
        Instant t0 = Instant.parse("2025-06-01T00:00:00Z");
        List<Reply> list = new ArrayList<>(replies);
        for (int i = 0; i < replies; i++) {
            int lead = i < emails ? i : random.nextInt(emails);
            String email = variant(random, "dana.ortiz" + lead + "@acme-logistics-" + (lead % 997) + ".example");
            boolean untracked = random.nextInt(10) == 0;
            Lead nested = untracked ? null : new Lead((long) lead, null, email, "Dana", "Ortiz", "Acme Logistics",
                    "Ops Director", "verified", List.of());
            list.add(new Reply(10_001L + i, null, untracked ? null : (long) lead, nested, "Inbox", true, false,
                    untracked ? "Untracked Reply" : "Tracked Reply", "Re: quick question", t0.plusSeconds(i), 412L, 1903L,
                    "Dana Ortiz", variant(random, "dana.ortiz" + lead + "@acme-logistics-" + (lead % 997) + ".example"),
                    "sales@agency.example", t0.plusSeconds(i), t0.plusSeconds(i)));
        }
        Collections.shuffle(list, random);
        input = List.copyOf(list);
    }

    private static String variant(Random random, String email) {
        return switch (random.nextInt(20)) {
            case 0, 1, 2, 3 -> Character.toUpperCase(email.charAt(0)) + email.substring(1).replace("@a", "@A");
            case 4 -> email.toUpperCase(Locale.ROOT);
            case 5 -> email + " ";
            case 6 -> "  " + email;
            default -> email;
        };
    }

    /**
     * One dedup of the whole input.
     *
     * @return the result (consumed by JMH)
     */
    @Benchmark
    public LeadDedupResult dedup() {
        LeadDedupResult r = LeadDedup.apply(input);
        if (r.leads().size() != emails) {
            throw new IllegalStateException("expected " + emails + " leads, got " + r.leads().size());
        }
        return r;
    }
}
