package io.github.bisonbackfill.supabase;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FilterTest {

    @Test
    void plainOperators_percentEncodeTheValueLiterally() {
        assertThat(Filter.eq("workspace_name", "O'Brien & Sons, LLC").toQueryParameter())
                .isEqualTo("workspace_name=eq.O%27Brien%20%26%20Sons%2C%20LLC");
        assertThat(Filter.eq("lead_email", "a+b@x.io").toQueryParameter()).isEqualTo("lead_email=eq.a%2Bb%40x.io");
        assertThat(Filter.neq("n", "(Ñ) 50%+").toQueryParameter()).isEqualTo("n=neq.%28%C3%91%29%2050%25%2B");
        assertThat(Filter.gte("d", Instant.parse("2024-05-01T10:15:30Z")).toQueryParameter())
                .isEqualTo("d=gte.2024-05-01T10%3A15%3A30Z");
        assertThat(Filter.lt("n", 5).toQueryParameter()).isEqualTo("n=lt.5");
        assertThat(Filter.like("e", "a*").toQueryParameter()).isEqualTo("e=like.a%2A");
    }

    @Test
    void in_quotesEachElementAndEscapesQuotesAndBackslashes() {
        assertThat(Filter.in("n", List.of("Hebdon, John", "say \"hi\"", "back\\slash")).toQueryParameter())
                .isEqualTo("n=in.(%22Hebdon%2C%20John%22,%22say%20%5C%22hi%5C%22%22,%22back%5C%5Cslash%22)");
    }

    @Test
    void is_andNullHandling() {
        assertThat(Filter.isNull("note").toQueryParameter()).isEqualTo("note=is.null");
        assertThat(Filter.is("flag", true).toQueryParameter()).isEqualTo("flag=is.true");
        assertThat(Filter.isNotNull("note").toQueryParameter()).isEqualTo("note=not.is.null");
        assertThatThrownBy(() -> Filter.eq("note", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("isNull");
        assertThatThrownBy(() -> Filter.in("n", List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Filter.eq(" ", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void columnNamesAreEncodedToo() {
        assertThat(Filter.eq("odd name", 1).toQueryParameter()).isEqualTo("odd%20name=eq.1");
    }
}
