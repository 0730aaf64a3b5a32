package io.github.bisonbackfill.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EmailNormalizerTest {

    @Test
    void normalize_trimsUnicodeWhitespaceAndLowerCases() {
        assertThat(EmailNormalizer.normalize("Dana.Ortiz@acme-logistics.example ")).contains("dana.ortiz@acme-logistics.example");
        assertThat(EmailNormalizer.normalize("\u00A0\u2007\u202F\u200B\uFEFF\t DANA@X.IO\u3000\r\n")).contains("dana@x.io");
    }

    @Test
    void normalize_alreadyNormalised_returnsSameInstance() {
        String s = "dana@x.io";
        assertThat(EmailNormalizer.normalize(s).orElseThrow()).isSameAs(s);
    }

    @Test
    void normalize_usesRootLocale_notTheDefaultLocale() {
        java.util.Locale before = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr"));
            // Turkish lower-casing would turn I into a dotless ı.
            assertThat(EmailNormalizer.normalize("INFO@ACME.IO")).contains("info@acme.io");
        } finally {
            java.util.Locale.setDefault(before);
        }
    }

    @Test
    void normalize_angleAddrAndMailto_yieldTheBareAddress() {
        assertThat(EmailNormalizer.normalize("Dana Ortiz <Dana@X.io>")).contains("dana@x.io");
        assertThat(EmailNormalizer.normalize("\"Ortiz, Dana\" < dana@x.io >")).contains("dana@x.io");
        assertThat(EmailNormalizer.normalize("<dana@x.io>")).contains("dana@x.io");
        assertThat(EmailNormalizer.normalize("MAILTO:dana@x.io")).contains("dana@x.io");
        assertThat(EmailNormalizer.normalize("<mailto:dana@x.io>")).contains("dana@x.io");
    }

    @Test
    void normalize_aListOfAddresses_isRejected_notGuessed() {
        assertThat(EmailNormalizer.rejectReason("Dana Ortiz <dana@acme.example>, Bob <bob@other.example>"))
                .contains(RejectReason.INVALID_CHARACTER);
        assertThat(EmailNormalizer.rejectReason("dana@acme.example; Bob <bob@other.example>"))
                .contains(RejectReason.INVALID_CHARACTER);
        assertThat(EmailNormalizer.normalize("\"Ortiz, Dana; CEO\" <dana@acme.example>")).contains("dana@acme.example");
    }

    @Test
    void normalize_keepsGmailDotsPlusTagsAndUnicodeDomains() {
        assertThat(EmailNormalizer.normalize("Dana.Ortiz+Leads@Gmail.com")).contains("dana.ortiz+leads@gmail.com");
        assertThat(EmailNormalizer.normalize("josé@Müller.de")).contains("josé@müller.de");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "NULL|MISSING",
            "''|BLANK",
            "'  \u00A0 '|BLANK",
            "'<>'|BLANK",
            "dana.x.io|NO_AT_SIGN",
            "dana@@x.io|MULTIPLE_AT_SIGNS",
            "a@b@x.io|MULTIPLE_AT_SIGNS",
            "@x.io|EMPTY_LOCAL_PART",
            "dana@|INVALID_DOMAIN",
            "dana@localhost|INVALID_DOMAIN",
            "dana@.x.io|INVALID_DOMAIN",
            "dana@x.io.|INVALID_DOMAIN",
            "dana@x..io|INVALID_DOMAIN",
            "'dana ortiz@x.io'|WHITESPACE_INSIDE",
            "'dana\u00A0ortiz@x.io'|WHITESPACE_INSIDE",
            "'dana\u200Bortiz@x.io'|WHITESPACE_INSIDE",
            "'dana\u0000@x.io'|CONTROL_CHARACTER",
            "'dana\u200E@x.io'|CONTROL_CHARACTER",
            "'a@x.io, b@x.io'|INVALID_CHARACTER",
            "'dana@[10.0.0.1]'|INVALID_CHARACTER",
            "'\"dana\"@x.io'|INVALID_CHARACTER",
    })
    void rejectReason_namesTheFirstBrokenRule(String raw, RejectReason expected) {
        assertThat(EmailNormalizer.rejectReason(raw)).contains(expected);
        assertThat(EmailNormalizer.normalize(raw)).isEmpty();
    }

    @Test
    void rejectReason_tooLong() {
        String local = "a".repeat(250);
        assertThat(EmailNormalizer.rejectReason(local + "@x.io")).contains(RejectReason.TOO_LONG);
        assertThat(EmailNormalizer.rejectReason("a".repeat(249) + "@x.io")).isEmpty();
    }

    @Test
    void rejectReason_usableEmail_isEmpty() {
        assertThat(EmailNormalizer.rejectReason(" Dana@X.io ")).isEmpty();
    }
}
