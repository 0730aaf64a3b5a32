package io.github.bisonbackfill.supabase;

/** What an upsert does with a row whose conflict key already exists. */
public enum Resolution {
    /** Update the existing row with the payload's columns ({@code resolution=merge-duplicates}). */
    MERGE_DUPLICATES,
    /** Keep the existing row untouched ({@code resolution=ignore-duplicates}). */
    IGNORE_DUPLICATES
}
