package io.opsrouter.backup;

import io.opsrouter.config.Env;
import io.opsrouter.config.SettingsException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that signs archives: HMAC-SHA256 over the exact bytes of {@code manifest.json}, stored in the
 * {@code manifest.sig} entry. The manifest holds every other entry's SHA-256, so the signature covers the whole archive.
 * The key comes only from the environment and is never logged.
 */
public final class ArchiveSigning {
    public static final String ENV = "ROUTER_BACKUP_SIGNING_KEY";
    public static final String ENTRY = "manifest.sig";
    public static final int MIN_LENGTH = 32;
    private static final String PREFIX = "hmac-sha256 ";

    private final byte[] key;

    ArchiveSigning(String key) {
        this.key = key.getBytes(StandardCharsets.UTF_8);
    }

    /** The key from {@value #ENV}; empty when it is not set; a key shorter than {@value #MIN_LENGTH} bytes stops start-up. */
    public static Optional<ArchiveSigning> fromEnv(Env env) {
        Optional<String> v = env.get(ENV);
        if (v.isEmpty()) return Optional.empty();
        int len = v.get().getBytes(StandardCharsets.UTF_8).length;
        if (len < MIN_LENGTH) {
            throw new SettingsException(
                    "environment",
                    ENV,
                    "is " + len + " bytes long: an archive signing key needs at least " + MIN_LENGTH,
                    "set it to a random value, e.g. the output of `openssl rand -base64 48`");
        }
        return Optional.of(new ArchiveSigning(v.get()));
    }

    /** The text of the {@code manifest.sig} entry for these manifest bytes. */
    String sign(byte[] manifest) {
        return PREFIX + HexFormat.of().formatHex(mac(manifest)) + "\n";
    }

    /** Whether {@code signature} (the text of {@code manifest.sig}) was made with this key over exactly these bytes. */
    boolean matches(byte[] manifest, String signature) {
        String s = signature.trim();
        if (!s.startsWith(PREFIX)) return false;
        byte[] given;
        try {
            given = HexFormat.of().parseHex(s.substring(PREFIX.length()).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(mac(manifest), given);
    }

    private byte[] mac(byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public String toString() {
        return "ArchiveSigning[key hidden]";
    }
}
