package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.SimulatedInstance;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's ground truth uses its own usable-email check (bison-client cannot depend on
 * backfill-core); this proves it agrees with {@link EmailNormalizer} and {@link LeadDedup} on every
 * address the simulator generates, the production preset's bad addresses included.
 */
class SimulatorEmailTruthTest {

    @Test
    void simulatorUsableEmail_agreesWithEmailNormalizer_onEveryGeneratedAndBadAddress() {
        try (BisonSimulator sim = BisonSimulator.builder().seed(11).dataAnchor(Instant.parse("2025-11-01T00:00:00Z"))
                .instance("east", i -> i.generatedWorkspaces(12, 25, 10))
                .instance("west", i -> i.generatedWorkspaces(12, 25, 10))
                .productionFaults().noForeignSwitcher().badAddressReplies(6).start()) {
            int bad = 0;
            int checked = 0;
            for (SimulatedInstance instance : sim.instances()) {
                for (var ws : instance.workspaces()) {
                    for (Reply r : instance.replies(ws.id())) {
                        for (String address : Arrays.asList(r.fromEmailAddress(),
                                r.lead() == null ? null : r.lead().email())) {
                            boolean usable = SimulatedInstance.isUsableEmail(address);
                            assertThat(usable).as("'%s'", address).isEqualTo(EmailNormalizer.normalize(address).isPresent());
                            if (usable) {
                                assertThat(address.trim().toLowerCase()).isEqualTo(EmailNormalizer.normalize(address).get());
                            }
                            checked++;
                        }
                        if (r.leadId() == null && !SimulatedInstance.isUsableEmail(r.fromEmailAddress())) {
                            bad++;
                        }
                    }
                    // The truth is what the library's dedup produces: usable emails in, bad ones rejected.
                    List<Reply> interested = instance.interestedReplies(ws.id());
                    LeadDedupResult dedup = LeadDedup.apply(interested);
                    assertThat(dedup.leads().stream().map(UniqueLead::email).collect(Collectors.toSet()))
                            .isEqualTo(instance.interestedEmails(ws.id()));
                    assertThat(dedup.rejected()).hasSize(6);
                }
            }
            assertThat(bad).isEqualTo(24 * 6);
            assertThat(checked).isGreaterThan(24 * 40);
        }
    }

    @Test
    void everyBadForm_isRejectedByEmailNormalizer() {
        for (String form : Arrays.asList("", null, "not-an-email", "   ", "jane.doe@", "@example.com")) {
            assertThat(EmailNormalizer.normalize(form)).as("'%s'", form).isEmpty();
            assertThat(SimulatedInstance.isUsableEmail(form)).as("'%s'", form).isFalse();
        }
    }
}
