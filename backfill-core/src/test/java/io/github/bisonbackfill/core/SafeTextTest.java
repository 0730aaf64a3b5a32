package io.github.bisonbackfill.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SafeTextTest {
    @Test
    void forLog_escapesControlCharacters_soNoSecondLineCanBeForged() {
        assertThat(SafeText.forLog("EMAIL_OPENED\nwebhook delivery outcome=ACCEPTED\r\u0000\u2028\t\\"))
                .isEqualTo("EMAIL_OPENED\\nwebhook delivery outcome=ACCEPTED\\r\\u0000\\u2028\\t\\\\")
                .doesNotContain("\n").doesNotContain("\r");
    }

    @Test
    void forLog_cutsLongValues_andSaysHowLongTheyWere() {
        String s = SafeText.forLog("x".repeat(100_000));
        assertThat(s).hasSize(SafeText.MAX_LOG_CHARS + "...(100000 chars)".length()).endsWith("...(100000 chars)");
        assertThat(SafeText.forLog("abc", 2)).isEqualTo("ab...(3 chars)");
        assertThat(SafeText.forLog(null)).isNull();
    }

    @Test
    void forLog_andRedact_hideKeyShapedText_evenWhenTheCutWouldSplitIt() {
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.abcdefghijklmnopqrstuvwxyz";
        assertThat(SafeText.forLog("a ".repeat(90) + jwt)).doesNotContain("eyJ").contains("<redacted>");
        assertThat(SafeText.redact("key 12|AbCdEfGhIjKlMnOpQrStUv and " + jwt)).isEqualTo("key <redacted> and <redacted>");
    }
}
