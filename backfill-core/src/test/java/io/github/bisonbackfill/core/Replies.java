package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.CustomVariable;
import io.github.bisonbackfill.bison.Lead;
import io.github.bisonbackfill.bison.Reply;

import java.time.Instant;
import java.util.List;

/** Test data builders for replies and leads. */
final class Replies {
    static final Instant RECEIVED = Instant.parse("2025-10-14T17:03:21Z");

    private Replies() {
    }

    static Lead lead(long id, String email, String first, String last, CustomVariable... vars) {
        return new Lead(id, "lead-uuid-" + id, email, first, last, "Acme Logistics", "Ops Director",
                "verified", List.of(vars));
    }

    static Reply reply(long id, Lead lead, String fromName, String fromEmail) {
        return reply(id, lead, fromName, fromEmail, RECEIVED);
    }

    static Reply reply(long id, Lead lead, String fromName, String fromEmail, Instant received) {
        return new Reply(id, "reply-uuid-" + id, lead == null ? null : lead.id(), lead, "Inbox", true, false,
                "Tracked Reply", "Re: quick question", received, 412L, 1903L, fromName, fromEmail,
                "sdr@agency.example", received, received);
    }

    static Reply withEmails(long id, String leadEmail, String fromEmail) {
        Lead lead = new Lead(id * 10, null, leadEmail, null, null, null, null, null, null);
        return reply(id, lead, null, fromEmail);
    }
}
