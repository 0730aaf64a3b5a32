package io.github.bisonbackfill.examples.bench;

import io.github.bisonbackfill.bison.simulator.SimulatedInstance;
import io.github.bisonbackfill.core.LeadDedup;
import io.github.bisonbackfill.core.UniqueLead;
import io.github.bisonbackfill.supabase.SupabaseWriter;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The table after a run, judged against the simulator's ground truth: a row is <em>wrong</em> when
 * the reply it carries belongs to another workspace than the client named in {@code workspace_name};
 * a lead is <em>missing</em> when a client's distinct interested email (the library's dedup of the
 * ground truth) has no correctly attributed row.
 *
 * @param rows          rows in the table
 * @param expectedLeads distinct interested leads over all clients
 * @param wrongRows     rows filed under the wrong client
 * @param missingLeads  expected leads without a correct row
 */
record TableAudit(long rows, long expectedLeads, long wrongRows, long missingLeads) {

    static TableAudit of(SupabaseWriter writer, String table, Workload workload, SimulatedInstance truth) {
        Map<String, Long> workspaceOfName = new HashMap<>();
        for (int c = 0; c < workload.clients(); c++) {
            workspaceOfName.put(workload.clientName(c), workload.workspaceId(c));
        }
        Map<String, Set<String>> correct = new HashMap<>();
        List<Map<String, Object>> rows = writer.select(table, "workspace_name,lead_email,bison_reply_id");
        Map<Long, Long> workspaceOfReply = truth.replyWorkspaces();
        long wrong = 0;
        for (Map<String, Object> row : rows) {
            String name = (String) row.get("workspace_name");
            Long expected = workspaceOfName.get(name);
            Long actual = workspaceOfReply.get(((Number) row.get("bison_reply_id")).longValue());
            if (expected == null || !expected.equals(actual)) {
                wrong++;
            } else {
                correct.computeIfAbsent(name, k -> new HashSet<>()).add((String) row.get("lead_email"));
            }
        }
        long expectedLeads = 0;
        long missing = 0;
        for (int c = 0; c < workload.clients(); c++) {
            Set<String> have = correct.getOrDefault(workload.clientName(c), Set.of());
            for (UniqueLead lead : LeadDedup.apply(truth.interestedReplies(workload.workspaceId(c))).leads()) {
                expectedLeads++;
                if (!have.contains(lead.email())) {
                    missing++;
                }
            }
        }
        return new TableAudit(rows.size(), expectedLeads, wrong, missing);
    }
}
