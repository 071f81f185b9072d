package io.opsrouter.backup;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/** Opens its source on first read (in the compressing thread), hashes it, and reports the totals at its end. */
final class EntryStream extends InputStream {
    interface Opener {
        InputStream open() throws IOException;
    }

    private final Opener opener;
    private final Consumer<HashingInputStream> done;
    private HashingInputStream in;
    private boolean finished;

    EntryStream(Opener opener, Consumer<HashingInputStream> done) {
        this.opener = opener;
        this.done = done;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (in == null) in = new HashingInputStream(opener.open());
        int n = in.read(b, off, len);
        if (n < 0 && !finished) {
            finished = true;
            done.accept(in);
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        if (in != null) in.close();
    }
}
