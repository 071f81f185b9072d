package io.opsrouter.backup;

import io.opsrouter.config.Env;

/**
 * What verify and restore accept: an archive signed with {@code signing}; an unsigned archive, or one whose signature
 * does not match (or cannot be checked for want of a key), only when {@code acceptUnsigned} says so. The schema
 * statements, entry names and sizes are checked either way.
 */
public record ArchiveTrust(ArchiveSigning signing, boolean acceptUnsigned) {
    /** The archive this process has just written (signed when a key is set, unsigned otherwise). */
    static ArchiveTrust ownArchive(ArchiveSigning signing) {
        return new ArchiveTrust(signing, signing == null);
    }

    /** No key and no signature required: for callers that made the archive themselves (tests, the backup's own check). */
    public static final ArchiveTrust UNCHECKED = new ArchiveTrust(null, true);

    public static ArchiveTrust fromEnv(Env env, boolean acceptUnsigned) {
        return new ArchiveTrust(ArchiveSigning.fromEnv(env).orElse(null), acceptUnsigned);
    }
}
