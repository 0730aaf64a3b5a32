package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.Reply;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.github.bisonbackfill.core.Replies.withEmails;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeadDedupTest {

    @Test
    void apply_sameEmailInDifferentCaseAndSpaces_isOneLead_highestReplyIdWins() {
        List<Reply> in = List.of(
                withEmails(100, "Dana.Ortiz@acme.example", null),
                withEmails(300, " dana.ortiz@ACME.example\u00A0", null),
                withEmails(200, "dana.ortiz@acme.example", null));
        LeadDedupResult r = LeadDedup.apply(in);
        assertThat(r.leads()).hasSize(1);
        assertThat(r.leads().get(0).email()).isEqualTo("dana.ortiz@acme.example");
        assertThat(r.leads().get(0).reply().id()).isEqualTo(300);
        assertThat(r.duplicatesDropped()).isEqualTo(2);
        assertThat(r.rejected()).isEmpty();
    }

    @Test
    void apply_leadEmailWinsOverFromAddress_fromAddressIsTheFallback() {
        LeadDedupResult r = LeadDedup.apply(List.of(
                withEmails(1, "dana@acme.example", "assistant@acme.example"),
                withEmails(2, null, "Lee@Acme.example "),
                withEmails(3, "not-an-email", "kim@acme.example")));
        assertThat(r.leads()).extracting(UniqueLead::email)
                .containsExactly("dana@acme.example", "lee@acme.example", "kim@acme.example");
    }

    @Test
    void apply_fallbackAndLeadEmailOfTheSamePerson_mergeIntoOneLead() {
        LeadDedupResult r = LeadDedup.apply(List.of(
                withEmails(5, "dana@acme.example", null),
                withEmails(9, null, "DANA@acme.example")));
        assertThat(r.leads()).singleElement().satisfies(l -> assertThat(l.reply().id()).isEqualTo(9));
    }

    @Test
    void apply_replyWithoutLead_usesFromAddress() {
        Reply untracked = Replies.reply(7, null, "Dana Ortiz", "dana@acme.example");
        assertThat(LeadDedup.apply(List.of(untracked)).leads()).extracting(UniqueLead::email)
                .containsExactly("dana@acme.example");
    }

    @Test
    void apply_unusableEmails_areRejectedWithReasonAndCounted_neverLeads() {
        LeadDedupResult r = LeadDedup.apply(List.of(
                withEmails(1, null, null),
                withEmails(2, "  ", null),
                withEmails(3, "dana ortiz@acme.example", "also bad"),
                withEmails(4, null, "nobody"),
                withEmails(5, "ok@acme.example", null)));
        assertThat(r.leads()).extracting(UniqueLead::email).containsExactly("ok@acme.example");
        assertThat(r.rejected()).extracting(RejectedReply::replyId, RejectedReply::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1L, RejectReason.MISSING),
                org.assertj.core.groups.Tuple.tuple(2L, RejectReason.BLANK),
                org.assertj.core.groups.Tuple.tuple(3L, RejectReason.WHITESPACE_INSIDE),
                org.assertj.core.groups.Tuple.tuple(4L, RejectReason.NO_AT_SIGN));
        assertThat(r.rejected().get(2).detail()).contains("reply 3", "'dana ortiz@acme.example'", "'also bad'");
        assertThat(r.rejected().get(2).replyUuid()).isEqualTo("reply-uuid-3");
        assertThat(r.rejectedByReason()).containsExactly(Map.entry(RejectReason.MISSING, 1),
                Map.entry(RejectReason.BLANK, 1), Map.entry(RejectReason.NO_AT_SIGN, 1),
                Map.entry(RejectReason.WHITESPACE_INSIDE, 1));
        assertThat(r.repliesIn()).isEqualTo(5);
    }

    @Test
    void apply_rejectDetail_escapesControlCharacters() {
        LeadDedupResult r = LeadDedup.apply(List.of(withEmails(1, "dana\u0007@x.io", null)));
        assertThat(r.rejected().get(0).detail()).contains("dana\\u0007@x.io").doesNotContain("\u0007");
    }

    @Test
    void apply_outputOrder_isFirstAppearanceOfEachEmail() {
        LeadDedupResult r = LeadDedup.apply(List.of(
                withEmails(10, "b@x.io", null), withEmails(11, "a@x.io", null),
                withEmails(50, "b@x.io", null), withEmails(12, "c@x.io", null)));
        assertThat(r.leads()).extracting(UniqueLead::email).containsExactly("b@x.io", "a@x.io", "c@x.io");
        assertThat(r.leads().get(0).reply().id()).isEqualTo(50);
    }

    @Test
    void apply_countsAlwaysAddUp_onALargeMixedInput() {
        List<Reply> in = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            String email = i % 97 == 0 ? "bad email " + i : (i % 3 == 0 ? " USER" : "user") + (i % 7_000) + "@x.io";
            in.add(withEmails(i, email, null));
        }
        LeadDedupResult r = LeadDedup.apply(in);
        assertThat(r.leads().size() + r.rejected().size() + r.duplicatesDropped()).isEqualTo(30_000);
        assertThat(r.rejected()).allMatch(x -> x.reason() == RejectReason.WHITESPACE_INSIDE);
        // every surviving reply is the highest id among the replies with its email
        Map<String, Long> maxIdByEmail = new java.util.HashMap<>();
        for (Reply x : in) {
            EmailNormalizer.normalize(x.lead().email()).ifPresent(e -> maxIdByEmail.merge(e, x.id(), Math::max));
        }
        assertThat(r.leads()).hasSize(maxIdByEmail.size());
        for (UniqueLead l : r.leads()) {
            assertThat(l.reply().id()).as(l.email()).isEqualTo(maxIdByEmail.get(l.email()));
        }
    }

    @Test
    void apply_nullReply_failsNamingTheIndex() {
        assertThatThrownBy(() -> LeadDedup.apply(Arrays.asList(withEmails(1, "a@x.io", null), null)))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("index 1");
    }
}
