package io.github.bisonbackfill.supabase;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A key pasted where the URL belongs is never echoed by the builder's errors. */
class BuilderRedactionTest {
    static final String JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2lnbmF0dXJlc2lnbmF0dXJlc2ln";

    @Test
    void keyInTheUrlField_isNotInTheMessage() {
        for (String url : new String[] {JWT, "https://" + JWT, "http://example.com/" + JWT, "sb_secret_abcdefghijklmnopqrstuvwxyz0123",
                "https://abc.supabase.co/12|Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"}) {
            assertThatThrownBy(() -> SupabaseWriter.builder().restUrl(url).apiKey("k").build())
                    .isInstanceOf(IllegalStateException.class)
                    .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage())
                            .doesNotContain(JWT.substring(0, 30)).doesNotContain(JWT.substring(40, 70))
                            .doesNotContain("abcdefghijklmnop").doesNotContain("Ab3dEf6hIj9kLm2n"));
        }
    }
}
