package io.github.bisonbackfill.bison.simulator.internal;

import io.github.bisonbackfill.bison.CustomVariable;
import org.jspecify.annotations.Nullable;

import java.text.Normalizer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * Generates realistic, hostile Email Bison data deterministically from a seed: names with commas,
 * accents and apostrophes, emails with stray case and spaces, leads replying several times,
 * untracked and automated replies, minimal nested leads, phone-like custom variables. Ids start from
 * the same bases on every instance so that they collide across instances, as they do in reality.
 * Everything it generates comes from its own stream, {@code new Random(seed)} (the data stream); no
 * other concern draws from it (see {@link RandomStream}).
 *
 * <p>Not thread-safe: {@link InstanceState} calls it under its own lock.
 */
public final class DataGenerator {

    /** First reply id of every instance. */
    public static final long REPLY_ID_BASE = 10_001;
    /** First lead id of every instance. */
    public static final long LEAD_ID_BASE = 5_001;
    /** First campaign id of every instance. */
    public static final long CAMPAIGN_ID_BASE = 1;
    /** First sender email id of every instance. */
    public static final long SENDER_ID_BASE = 101;
    /** How far back generated replies go from the data anchor. */
    public static final Duration HISTORY = Duration.ofDays(180);

    /** Workspace names that break naive CSV, SQL or URL handling. */
    public static final List<String> HARD_WORKSPACE_NAMES = List.of(
            "O'Brien & Sons, LLC", "Café Ñandú", "Harbor Insurance", "Smith, Jones & Partners",
            "Müller & Söhne GmbH", "L'Atelier Beauté", "São Paulo Imóveis Ltda.", "\"Quoted\" Roofing Co.",
            "Ace Plumbing (North)", "Łódź Solar Sp. z o.o.", "Dr. Ana Núñez, DDS", "100% Pure Leads",
            "Hélène's Bakery", "A/B Testing Co", "Zürich Dental; Zahnärzte", "Peak & Pine Realty",
            "Nguyễn Family Law", "Brightline Solar", "Øresund Freight ApS", "Tom's Roofing #2",
            "Acme Logistics", "Blue Sky Dental", "Crème de la Crème Events", "Back\\slash Studio");

    /**
     * {@link #HARD_WORKSPACE_NAMES} with {@code "Café Ñandú"} replaced by {@code "Café Ñandú (50%+)"}
     * (parentheses, a percent sign and a plus on top of the accents): the pool of the production preset.
     * A separate list so that the default names, which existing seeds and tests rely on, stay as they are.
     */
    public static final List<String> PRODUCTION_WORKSPACE_NAMES = HARD_WORKSPACE_NAMES.stream()
            .map(n -> n.equals("Café Ñandú") ? "Café Ñandú (50%+)" : n).toList();

    /**
     * The from-addresses of {@link #badAddressReplies} in the order they are used (cycled): blank,
     * missing (the JSON key absent), and invalid forms that have no usable address. Unmodifiable;
     * contains {@code null}.
     */
    public static final List<@Nullable String> BAD_FROM_ADDRESSES = Collections.unmodifiableList(
            Arrays.asList("", null, "not-an-email", "   ", "jane.doe@", "@example.com"));

    private static final String[] FIRST = {"Dana", "Siobhán", "José", "Mary-Kate", "Jean-Luc", "Zoë", "Łukasz",
        "Anne-Marie", "D'Andre", "Renée", "Chloé", "Mike", "Priya", "Søren", "Ngọc", "Ana", "Tom", "Grace"};
    private static final String[] LAST = {"Ortiz", "O'Neill", "Núñez", "Smith-Jones", "de la Cruz", "Müller",
        "Ådahl", "O'Brien", "D'Souza", "van der Berg", "Łukasiewicz", "Lee", "Patel", "García Márquez", "Kim"};
    private static final String[] COMPANIES = {"Acme Logistics", "Smith, Jones & Co.", "Café Ñandú",
        "Harbor Insurance", "Müller & Söhne GmbH", "O'Reilly Roofing, Inc.", "Blue Sky Dental", "Zürich Re",
        "Brightline Solar", "Peak & Pine Realty", "Northwind Traders", "Globex, Ltd."};
    private static final @Nullable String[] TITLES = {"Ops Director", "CEO", "Head of Sales, EMEA", "Owner",
        "VP Marketing", "Founder & CEO", "Directeur général", null};
    private static final String[] STATUSES = {"verified", "verified", "verified", "risky", "unknown", "bounced"};
    private static final String[] PHONE_NAMES = {"phone", "Phone Number", "Mobile", "mobile_phone", "Cell",
        "Direct Phone", "Work phone"};
    private static final String[] PHONES = {"+1 (555) 014-2233", "555-0142", "+44 20 7946 0958",
        "555.013.9921", "(555) 010 2299", "+49 30 901820"};
    private static final String[] INTERESTED_TEXT = {"Sounds good, call me Thursday.",
        "Yes, interested - send over pricing.", "Let's talk. My cell is 555-0142.",
        "Sure, how about Tuesday at 10?", "Oui, je suis intéressé. Appelez-moi.",
        "Interested!\u0001 Send details."};
    private static final String[] NOT_INTERESTED_TEXT = {"Not interested, please remove me.",
        "Please take me off your list.", "We already have a provider, thanks.", "No thanks."};
    private static final String[] AUTOMATED_TEXT = {
        "I am out of the office until Monday with limited access to email.",
        "Thank you for your message. This mailbox is not monitored.",
        "Delivery has failed to these recipients or groups."};

    private final Random random;
    private final Instant anchor;
    private long nextReplyId = REPLY_ID_BASE;
    private long nextLeadId = LEAD_ID_BASE;
    private long nextCampaignId = CAMPAIGN_ID_BASE;
    private long nextSenderId = SENDER_ID_BASE;
    private long nextScheduledEmailId = 900_001;
    private final Map<Long, List<SimLead>> leadsByWorkspace = new HashMap<>();
    /** Lead emails in use per workspace: Email Bison keeps one lead per email in a workspace. */
    private final Map<Long, Set<String>> leadEmailsByWorkspace = new HashMap<>();
    private final Map<Long, List<Long>> campaignsByWorkspace = new HashMap<>();
    private final Map<Long, Long> senderByWorkspace = new HashMap<>();

    /**
     * Creates a generator.
     *
     * @param seed   the seed (mix the instance in for different data per instance)
     * @param anchor the "now" generated dates count back from
     */
    public DataGenerator(long seed, Instant anchor) {
        this.random = new Random(seed);
        this.anchor = anchor.truncatedTo(ChronoUnit.SECONDS);
    }

    /**
     * A deterministic version-4 UUID.
     *
     * @return the uuid text
     */
    public String uuid() {
        return uuid(random);
    }

    private static String uuid(Random random) {
        long msb = (random.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
        long lsb = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    /**
     * A deterministic secret of 40 alphanumeric characters, like Sanctum's, from the data stream.
     *
     * @return the secret
     */
    public String secret() {
        return secret(random);
    }

    /**
     * A deterministic secret of 40 alphanumeric characters, like Sanctum's.
     *
     * @param random the stream to draw from
     * @return the secret
     */
    public static String secret(Random random) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder(40);
        for (int i = 0; i < 40; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /**
     * All leads generated for a workspace so far.
     *
     * @param workspaceId the workspace
     * @return the leads, in creation order
     */
    public List<SimLead> leads(long workspaceId) {
        return leadsByWorkspace.getOrDefault(workspaceId, List.of());
    }

    /**
     * Every lead of every workspace.
     *
     * @return the leads by workspace (live view, read under the instance lock)
     */
    public Map<Long, List<SimLead>> allLeads() {
        return leadsByWorkspace;
    }

    /**
     * Generates the initial replies of several workspaces, ordered by date, ids ascending with the
     * date (so newest-first by id is mostly newest-first by date: a few dates are then nudged back).
     *
     * @param counts workspace id → {interested, other}
     * @return the replies, ids ascending
     */
    public List<SimReply> initialReplies(Map<Long, int[]> counts) {
        List<Draft> drafts = new ArrayList<>();
        for (Map.Entry<Long, int[]> e : counts.entrySet()) {
            drafts.addAll(workspaceDrafts(e.getKey(), e.getValue()[0], e.getValue()[1]));
        }
        drafts.sort(Comparator.comparing((Draft d) -> d.dateReceived));
        List<SimReply> out = new ArrayList<>(drafts.size());
        for (Draft d : drafts) {
            if (random.nextInt(100) < 4) {
                // Real ids are assigned on ingestion, not by date: a few replies are out of date order.
                d.dateReceived = d.dateReceived.minus(Duration.ofMinutes(30 + random.nextInt(300)));
            }
            out.add(d.build(nextReplyId++));
        }
        return out;
    }

    /**
     * Generates new replies arriving now, with ids above every existing one.
     *
     * @param workspaceId the workspace
     * @param count       how many
     * @param interested  whether they are interested (else not interested, some automated)
     * @param now         their receive time
     * @return the replies, ids ascending
     */
    public List<SimReply> newReplies(long workspaceId, int count, boolean interested, Instant now) {
        List<SimReply> out = new ArrayList<>(count);
        Instant at = now.truncatedTo(ChronoUnit.SECONDS);
        for (int i = 0; i < count; i++) {
            Draft d = draft(workspaceId, interested, false);
            d.dateReceived = at;
            d.createdAt = at;
            d.updatedAt = at;
            out.add(d.build(nextReplyId++));
        }
        return out;
    }

    /**
     * Generates interested, untracked replies (no lead) whose from-address is unusable, cycling through
     * {@link #BAD_FROM_ADDRESSES}, with ids above every existing one and dates just before the data
     * anchor. Their content comes from {@code contentRandom}, not from this generator's stream, so that
     * turning them on leaves every other generated value as it was (only later reply ids move up).
     *
     * @param workspaceId   the workspace
     * @param count         how many
     * @param contentRandom the random source for names, bodies and flags
     * @return the replies, ids ascending
     */
    public List<SimReply> badAddressReplies(long workspaceId, int count, Random contentRandom) {
        List<SimReply> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Draft d = new Draft();
            d.uuid = uuid(contentRandom);
            d.workspaceId = workspaceId;
            d.interested = true;
            d.senderEmailId = senderByWorkspace.computeIfAbsent(workspaceId, k -> nextSenderId++);
            String first = FIRST[contentRandom.nextInt(FIRST.length)];
            String last = LAST[contentRandom.nextInt(LAST.length)];
            d.fromName = first + " " + last;
            d.fromEmail = BAD_FROM_ADDRESSES.get(i % BAD_FROM_ADDRESSES.size());
            d.folder = "Inbox";
            d.read = contentRandom.nextBoolean();
            String text = INTERESTED_TEXT[contentRandom.nextInt(INTERESTED_TEXT.length)];
            d.subject = "Re: quick question";
            d.textBody = text + "\n\nOn Mon, " + first + " wrote:\n> quick question";
            d.htmlBody = "<div dir=\"ltr\"><p>" + text.replace("&", "&amp;").replace("<", "&lt;") + "</p></div>";
            d.rawBody = "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"UTF-8\"\r\n\r\n" + text;
            d.toName = "Alex from the agency";
            d.toAddress = "alex@outreach-" + d.senderEmailId + ".example";
            d.dateReceived = anchor.minus(Duration.ofMinutes(count - i));
            d.createdAt = d.dateReceived.plusSeconds(1);
            d.updatedAt = d.createdAt;
            out.add(d.build(nextReplyId++));
        }
        return out;
    }

    /**
     * Whether an email is usable as a lead's identity: after trimming whitespace, exactly one
     * {@code @}, a non-empty local part, a domain with a dot and no empty label at either end or
     * {@code ..}, no whitespace, control or {@code <>()[],;:"\} character inside, at most 254
     * characters. It agrees with backfill-core's {@code EmailNormalizer} on every address the
     * simulator generates (valid ones with stray case and spaces, and {@link #BAD_FROM_ADDRESSES});
     * unlike it, it does not unwrap {@code Name <addr>} or {@code mailto:} forms, which the simulator
     * never generates. backfill-core's tests check the agreement.
     *
     * @param email the email, may be {@code null}
     * @return {@code true} when usable
     */
    public static boolean usableEmail(@Nullable String email) {
        if (email == null) {
            return false;
        }
        String s = email.strip();
        if (s.isEmpty() || s.length() > 254) {
            return false;
        }
        int at = s.indexOf('@');
        if (at <= 0 || at != s.lastIndexOf('@')) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)
                    || "<>()[],;:\"\\".indexOf(c) >= 0) {
                return false;
            }
        }
        String domain = s.substring(at + 1);
        return domain.indexOf('.') > 0 && !domain.endsWith(".") && !domain.contains("..");
    }

    private List<Draft> workspaceDrafts(long workspaceId, int interested, int other) {
        List<Draft> out = new ArrayList<>(interested + other);
        boolean repeated = false;
        Draft firstTracked = null;
        for (int i = 0; i < interested; i++) {
            Draft d = draft(workspaceId, true, true);
            repeated |= d.repeatLead;
            if (firstTracked == null && d.lead != null) {
                firstTracked = d;
            } else if (i == interested - 1 && !repeated && firstTracked != null && d.lead != null) {
                // Guarantee the dedup case: at least one lead with several interested replies.
                d.lead = firstTracked.lead;
                d.fromName = firstTracked.fromName;
                d.fromEmail = emailVariant(d.lead.email().trim().toLowerCase(Locale.ROOT));
            }
            out.add(d);
        }
        for (int i = 0; i < other; i++) {
            out.add(draft(workspaceId, false, true));
        }
        return out;
    }

    private Draft draft(long workspaceId, boolean interested, boolean historical) {
        Draft d = new Draft();
        d.uuid = uuid();
        d.workspaceId = workspaceId;
        d.interested = interested;
        d.automated = !interested && random.nextInt(100) < 35;
        boolean untracked = random.nextInt(100) < (interested ? 5 : 8);
        List<SimLead> pool = leadsByWorkspace.computeIfAbsent(workspaceId, k -> new ArrayList<>());
        if (!untracked) {
            int reuse = interested ? 30 : 15;
            if (!pool.isEmpty() && random.nextInt(100) < reuse) {
                d.lead = pool.get(random.nextInt(pool.size()));
                d.repeatLead = true;
            } else {
                d.lead = newLead(workspaceId, historical);
                pool.add(d.lead);
            }
            d.minimalLead = random.nextInt(100) < 15;
            d.scheduledEmailId = nextScheduledEmailId++;
            d.campaignId = campaign(workspaceId);
        }
        d.senderEmailId = senderByWorkspace.computeIfAbsent(workspaceId, k -> nextSenderId++);
        String first = d.lead != null ? d.lead.firstName() : pick(FIRST);
        String last = d.lead != null ? d.lead.lastName() : pick(LAST);
        String company = d.lead != null ? d.lead.company() : pick(COMPANIES);
        d.fromName = fromName(first, last, company);
        String baseEmail = d.lead != null ? d.lead.email().trim().toLowerCase(Locale.ROOT)
                : email(first, last, company);
        d.fromEmail = emailVariant(baseEmail);
        d.folder = random.nextInt(100) < 3 ? "Spam" : "Inbox";
        d.read = random.nextInt(100) < 70;
        String text = d.automated ? pick(AUTOMATED_TEXT) : interested ? pick(INTERESTED_TEXT) : pick(NOT_INTERESTED_TEXT);
        d.subject = d.automated ? "Automatic reply: quick question"
                : random.nextBoolean() ? "Re: quick question" : "RE: " + company + " + us";
        d.textBody = text + "\n\nOn Mon, " + first + " wrote:\n> quick question";
        d.htmlBody = "<div dir=\"ltr\"><p>" + text.replace("&", "&amp;").replace("<", "&lt;") + "</p></div>";
        d.rawBody = "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"UTF-8\"\r\n\r\n" + text;
        d.toName = "Alex from the agency";
        d.toAddress = "alex@outreach-" + senderByWorkspace.get(workspaceId) + ".example";
        if (historical) {
            long back = (long) (random.nextDouble() * HISTORY.getSeconds());
            d.dateReceived = anchor.minusSeconds(back);
            d.createdAt = d.dateReceived.plusSeconds(1 + random.nextInt(120));
            d.updatedAt = d.createdAt.plusSeconds(random.nextInt(3 * 86_400));
        }
        return d;
    }

    private long campaign(long workspaceId) {
        List<Long> campaigns = campaignsByWorkspace.computeIfAbsent(workspaceId, k -> {
            List<Long> list = new ArrayList<>();
            int n = 1 + random.nextInt(3);
            for (int i = 0; i < n; i++) {
                list.add(nextCampaignId++);
            }
            return list;
        });
        return campaigns.get(random.nextInt(campaigns.size()));
    }

    private SimLead newLead(long workspaceId, boolean historical) {
        String first = pick(FIRST);
        String last = pick(LAST);
        String company = pick(COMPANIES);
        String email = email(first, last, company);
        // A new lead needs its own address: the name pool is small, so number the local part if taken.
        Set<String> used = leadEmailsByWorkspace.computeIfAbsent(workspaceId, k -> new HashSet<>());
        String base = email;
        int at = base.indexOf('@');
        for (int n = 2; !used.add(email); n++) {
            email = base.substring(0, at) + n + base.substring(at);
        }
        String stored = switch (random.nextInt(20)) {
            case 0, 1, 2, 3 -> capitalised(email);
            case 4 -> email.toUpperCase(Locale.ROOT);
            case 5 -> email + " ";
            case 6 -> " " + capitalised(email);
            default -> email;
        };
        List<CustomVariable> vars = new ArrayList<>();
        if (random.nextInt(100) < 60) {
            vars.add(new CustomVariable(pick(PHONE_NAMES), pick(PHONES)));
        }
        if (random.nextInt(100) < 30) {
            vars.add(new CustomVariable("LinkedIn", "https://www.linkedin.com/in/" + slug(first + "-" + last)));
        }
        if (random.nextInt(100) < 25) {
            vars.add(new CustomVariable("Company Size", random.nextBoolean() ? "51-200" : "1,000+"));
        }
        if (random.nextInt(100) < 10) {
            vars.add(new CustomVariable("mobile", null));
        }
        Instant created = historical ? anchor.minus(HISTORY).minusSeconds(random.nextInt(30 * 86_400)) : anchor;
        String notes = random.nextInt(100) < 10 ? "Met at expo, \"very keen\"; call back" : null;
        return new SimLead(nextLeadId++, uuid(), workspaceId, stored, first, last, company, pick(TITLES), notes,
                pick(STATUSES), List.copyOf(vars), created);
    }

    private @Nullable String fromName(String first, String last, String company) {
        return switch (random.nextInt(20)) {
            case 0, 1, 2 -> last + ", " + first;
            case 3, 4 -> first + " " + last + ", " + company;
            case 5 -> first;
            case 6 -> "";
            case 7 -> null;
            case 8 -> "\"" + first + " " + last + "\"";
            default -> first + " " + last;
        };
    }

    private String emailVariant(String email) {
        return switch (random.nextInt(20)) {
            case 0, 1, 2 -> capitalised(email);
            case 3 -> email.toUpperCase(Locale.ROOT);
            case 4, 5 -> email + " ";
            case 6 -> "  " + email;
            case 7 -> " " + capitalised(email) + " ";
            default -> email;
        };
    }

    private static String capitalised(String email) {
        StringBuilder sb = new StringBuilder(email.length());
        boolean up = true;
        for (char c : email.toCharArray()) {
            sb.append(up ? Character.toUpperCase(c) : c);
            up = c == '.' || c == '@' || c == '-';
        }
        return sb.toString();
    }

    private static String email(String first, String last, String company) {
        return slug(first) + "." + slug(last) + "@" + slug(company) + ".example";
    }

    private static String slug(String s) {
        String ascii = Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "")
                .replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O");
        return ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    }

    private <T extends @Nullable Object> T pick(T[] values) {
        return values[random.nextInt(values.length)];
    }

    private static final class Draft {
        String uuid;
        long workspaceId;
        @Nullable SimLead lead;
        boolean repeatLead;
        boolean minimalLead;
        String folder;
        boolean read;
        boolean interested;
        boolean automated;
        String subject;
        String textBody;
        String htmlBody;
        String rawBody;
        Instant dateReceived;
        @Nullable Long scheduledEmailId;
        @Nullable Long campaignId;
        long senderEmailId;
        @Nullable String fromName;
        @Nullable String fromEmail;
        String toName;
        String toAddress;
        Instant createdAt;
        Instant updatedAt;

        SimReply build(long id) {
            return new SimReply(id, uuid, workspaceId, lead, minimalLead, folder, read, interested, automated,
                    subject, textBody, htmlBody, rawBody, dateReceived, scheduledEmailId, campaignId,
                    senderEmailId, fromName, fromEmail, toName, toAddress, createdAt, updatedAt);
        }
    }
}
