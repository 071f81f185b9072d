package io.opsrouter.backup;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Passes bytes through while counting them, counting line ends (COPY text rows) and computing their SHA-256. */
final class HashingInputStream extends FilterInputStream {
    private final MessageDigest sha;
    private long bytes;
    private long lines;
    private boolean eof;

    HashingInputStream(InputStream in) {
        super(in);
        this.sha = sha256();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            eof = true;
            return b;
        }
        sha.update((byte) b);
        bytes++;
        if (b == '\n') lines++;
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = in.read(buf, off, len);
        if (n < 0) {
            eof = true;
            return n;
        }
        sha.update(buf, off, n);
        bytes += n;
        for (int i = off; i < off + n; i++) if (buf[i] == '\n') lines++;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skip is not supported while hashing");
    }

    boolean atEnd() {
        return eof;
    }

    long bytes() {
        return bytes;
    }

    long lines() {
        return lines;
    }

    String hex() {
        return HexFormat.of().formatHex(sha.digest());
    }
}
