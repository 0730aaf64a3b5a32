package io.github.bisonbackfill.core;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KpiReportTest {
    private static KpiRow row(String client, Long rows, Long ebLeads, String error) {
        return new KpiRow(YearMonth.of(2026, 10), ZoneId.of("America/Los_Angeles"), Instant.parse("2026-10-01T07:00:00Z"),
                Instant.parse("2026-11-01T07:00:00Z"), "alpha", 101, client, 40L, rows, ebLeads, 9L, null, error);
    }

    @Test
    void csv_hasStableHeaders_emptyCellsForMissingFigures_andReadsBackWhatItWrote() {
        KpiReport report = KpiReport.of(List.of(
                row("Harbor Insurance, LLC", 7L, 7L, null),
                row("O'Brien \"& Sons\"\nLtd", null, null, "caused by java.net.ConnectException: refused, twice")));

        String csv = report.toCsv();

        assertThat(csv).startsWith("month,zone,window_start,window_end,instance,workspace_id,client,leads,rows_in_window,"
                + "eb_unique_leads,eb_replies,eb_interested_stat,error\r\n");
        assertThat(csv).contains("2026-10,America/Los_Angeles,2026-10-01T07:00:00Z,2026-11-01T07:00:00Z,alpha,101,"
                + "\"Harbor Insurance, LLC\",40,7,7,9,,\r\n");
        assertThat(csv).contains("\"O'Brien \"\"& Sons\"\"\nLtd\",40,,,9,,\"caused by");
        assertThat(csv).doesNotContain(",-,");
        assertThat(KpiReport.fromCsv(csv)).isEqualTo(report);
    }

    @Test
    void json_isAnEnvelopeWithCamelCaseKeys_andReadsBackWhatItWrote() {
        KpiReport report = KpiReport.of(List.of(row("Café Ñandú", 3L, 4L, null)));

        String json = report.toJson();

        assertThat(json).startsWith("{\n  \"schemaVersion\" : 1,\n  \"kind\" : \"kpi\",\n  \"rows\" : [");
        assertThat(json).contains("\"windowStart\" : \"2026-10-01T07:00:00Z\"").contains("\"ebUniqueLeads\" : 4")
                .contains("\"ebInterestedStat\" : null").contains("\"month\" : \"2026-10\"")
                .contains("\"zone\" : \"America/Los_Angeles\"").doesNotContainPattern("\"[a-z]+_[a-z_]*\" :");
        assertThat(KpiReport.fromJson(json)).isEqualTo(report);
        assertThat(report.rows().get(0).mismatch()).isTrue();
    }

    @Test
    void foreignInput_isRefusedWithTheReason() {
        assertThatThrownBy(() -> KpiReport.fromCsv("client,rows 2026-10 to date\r\nx,1\r\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the header must be month,zone,");
        String header = String.join(",", KpiReport.CSV_HEADERS) + "\r\n";
        assertThatThrownBy(() -> KpiReport.fromCsv(header + "2026-10,UTC,x,y,alpha,1,c,,,,,,\r\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("record 2 is malformed");
        assertThatThrownBy(() -> KpiReport.fromJson("{\"schemaVersion\": 2, \"kind\": \"kpi\", \"rows\": []}"))
                .isInstanceOf(BackfillException.class).hasMessageContaining("schemaVersion 2 is not supported");
    }
}
