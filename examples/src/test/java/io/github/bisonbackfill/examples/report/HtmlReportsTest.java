package io.github.bisonbackfill.examples.report;

import io.github.bisonbackfill.core.KpiRow;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HtmlReportsTest {
    @Test
    void clientNames_areEscaped_andMissingFiguresShowAsEmptyNotZero() {
        KpiRow hostile = new KpiRow(YearMonth.of(2026, 10), ZoneOffset.UTC, Instant.parse("2026-10-01T00:00:00Z"),
                Instant.parse("2026-11-01T00:00:00Z"), "alpha", 1, "<script>alert('x')</script> & \"Co\"", null, null,
                null, null, null, "Supabase unreachable");

        String html = HtmlReports.kpiPage(List.of(hostile), Map.of());

        assertThat(html).doesNotContain("<script>alert").contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Co&quot;");
        assertThat(html).contains("data-value=\"\"></td>").contains("not counted").contains("Supabase unreachable")
                .contains("0 mismatches");
    }
}
