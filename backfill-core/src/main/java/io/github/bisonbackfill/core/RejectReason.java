package io.github.bisonbackfill.core;

/**
 * Why a reply's email cannot identify a lead. A reply with such an email is rejected and counted by
 * {@link LeadDedup}; it is never written with a placeholder email.
 */
public enum RejectReason {
    /** Neither the nested lead nor the reply carried an email ({@code null}). */
    MISSING,
    /** The email was empty or only whitespace. */
    BLANK,
    /** No {@code @}. */
    NO_AT_SIGN,
    /** More than one {@code @} (quoted local parts are not supported). */
    MULTIPLE_AT_SIGNS,
    /** Nothing before the {@code @}. */
    EMPTY_LOCAL_PART,
    /** Nothing after the {@code @}, no dot in the domain, a leading/trailing dot or {@code ..}. */
    INVALID_DOMAIN,
    /** Whitespace (including NBSP and zero-width spaces) inside the address after trimming. */
    WHITESPACE_INSIDE,
    /** A control or other invisible formatting character inside the address. */
    CONTROL_CHARACTER,
    /**
     * A character that never appears in a usable bare address: {@code < > ( ) [ ] , ; : " \}
     * (often a list of addresses or a mangled display-name form).
     */
    INVALID_CHARACTER,
    /** Longer than 254 characters (RFC 5321 path limit). */
    TOO_LONG
}
