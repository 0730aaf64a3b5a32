package io.github.bisonbackfill.core;

import io.github.bisonbackfill.core.internal.EmailScan;
import org.jspecify.annotations.Nullable;

import java.util.Optional;

/**
 * Turns an email as Email Bison sent it into the key that identifies a lead, or says why it cannot.
 * Stateless and thread-safe.
 *
 * <p>What is normalised:
 * <ul>
 *   <li>the address is normalised to Unicode NFC ({@link java.text.Normalizer.Form#NFC}), so that
 *       {@code josé@exämple.com} typed with composed or with combining characters is one key
 *       (ASCII addresses are unaffected; the schema's upgrade normalises legacy rows the same way);</li>
 *   <li>whitespace is trimmed from both ends: Java whitespace, every Unicode space separator
 *       (NBSP U+00A0, U+2007, U+202F, ...) and zero-width U+200B, U+2060, U+FEFF;</li>
 *   <li>the whole value is lower-cased with {@link java.util.Locale#ROOT} (local part included:
 *       no mail provider in practice treats it case-sensitively, and the seed's dedup key was
 *       lower-cased too);</li>
 *   <li>a display-name form {@code Dana Ortiz <dana@x.io>} or a bare {@code <dana@x.io>} yields the
 *       address between the last {@code <} and the final {@code >} (RFC 5322 angle-addr: the address
 *       is unambiguous, so rejecting it would only lose a lead), provided the display name has no
 *       {@code < > , ;} outside double quotes (a list of addresses is rejected, not guessed);</li>
 *   <li>a leading {@code mailto:} (any case) is dropped: it is a link scheme, never part of an
 *       address.</li>
 * </ul>
 * What is deliberately <b>not</b> normalised: Gmail dot and {@code +tag} folding (other providers
 * treat them as distinct mailboxes, and folding would merge different people), IDN/punycode
 * conversion, NFKC compatibility folding (it would merge visibly different addresses), quoted local
 * parts, comments.
 *
 * <p>A value is usable when, after the steps above, it has exactly one {@code @}, a non-empty local
 * part, a domain with at least one dot and no empty label at either end or {@code ..}, no
 * whitespace, control/format or {@code <>()[],;:"\} character, and at most 254 characters.
 * Otherwise {@link #rejectReason(String)} says which rule failed first.
 */
public final class EmailNormalizer {
    private EmailNormalizer() {
    }

    /**
     * Normalises an email.
     *
     * @param raw the email as received, may be {@code null}
     * @return the normalised email, or empty when it is not usable (see {@link #rejectReason})
     */
    public static Optional<String> normalize(@Nullable String raw) {
        Object r = EmailScan.normalizeOrReason(raw);
        return r instanceof String s ? Optional.of(s) : Optional.empty();
    }

    /**
     * Says why an email is not usable.
     *
     * @param raw the email as received, may be {@code null}
     * @return the first rule it breaks, or empty when it is usable
     */
    public static Optional<RejectReason> rejectReason(@Nullable String raw) {
        Object r = EmailScan.normalizeOrReason(raw);
        return r instanceof RejectReason reason ? Optional.of(reason) : Optional.empty();
    }
}
