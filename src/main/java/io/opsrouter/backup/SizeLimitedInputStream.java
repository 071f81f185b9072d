package io.opsrouter.backup;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Passes at most {@code limit} bytes through; one more byte is an error naming the entry (a zip bomb or a lying manifest). */
final class SizeLimitedInputStream extends FilterInputStream {
    private final long limit;
    private final String name;
    private long count;

    SizeLimitedInputStream(InputStream in, long limit, String name) {
        super(in);
        this.limit = limit;
        this.name = name;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0 && ++count > limit) throw tooLong();
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = in.read(buf, off, (int) Math.min(len, Math.max(1, limit - count + 1)));
        if (n > 0) {
            count += n;
            if (count > limit) throw tooLong();
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skip is not supported on a size-limited entry");
    }

    private IOException tooLong() {
        return new IOException(name + " holds more than the " + limit + " bytes the manifest lists");
    }
}
