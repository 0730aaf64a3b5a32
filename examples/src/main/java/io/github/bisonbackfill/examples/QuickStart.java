package io.github.bisonbackfill.examples;

import io.github.bisonbackfill.bison.BisonClient;
import io.github.bisonbackfill.core.BackfillOrchestrator;
import io.github.bisonbackfill.core.BackfillPlan;
import io.github.bisonbackfill.core.BackfillReport;
import io.github.bisonbackfill.core.ClientSpec;
import io.github.bisonbackfill.core.ConsoleProgressRenderer;
import io.github.bisonbackfill.core.ReconciliationReport;
import io.github.bisonbackfill.supabase.SupabaseWriter;

/**
 * The README's quick start, compiled with the build (the region between the tags is the README's
 * snippet, checked by {@code QuickStartReadmeTest}): one instance, two clients, run and reconcile.
 * Reads {@code BISON_KEY} (super-admin), {@code BISON_KEY_37} (api-user key of workspace 37) and
 * {@code SUPABASE_SERVICE_ROLE_KEY}.
 */
public final class QuickStart {
    private QuickStart() {
    }

    /**
     * Runs the quick start.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        // tag::quickstart[]
        try (BisonClient bison = BisonClient.builder().baseUrl("https://send.agency.example").instanceName("agency-main")
                     .superAdminKey(System.getenv("BISON_KEY"))                 // switches, proving every page
                     .workspaceKey(37, System.getenv("BISON_KEY_37"))           // api-user key: no switching
                     .build();
             SupabaseWriter writer = SupabaseWriter.builder().projectUrl("https://abc.supabase.co")
                     .apiKey(System.getenv("SUPABASE_SERVICE_ROLE_KEY")).build()) {
            BackfillOrchestrator orchestrator = BackfillOrchestrator.builder().instance(bison).writer(writer)
                    .listener(ConsoleProgressRenderer.builder().build()).build();
            BackfillPlan plan = BackfillPlan.of(new ClientSpec("Harbor Insurance, LLC", "agency-main", 37),
                    new ClientSpec("O'Brien & Sons, LLC", "agency-main", 12));
            BackfillReport report = orchestrator.run(plan);             // into client_leads, idempotent
            ReconciliationReport check = orchestrator.reconcile(plan);  // rows == distinct interested emails
            System.out.println(report.succeeded() && check.allMatch() ? "done" : report.toJson());
        }
        // end::quickstart[]
    }
}
