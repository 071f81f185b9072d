package io.opsrouter.probe;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * {@code tls} monitors: a TLS handshake within the timeout, then the days until the server certificate expires
 * ({@code days_left}) and whether the JVM's trust store and the host name accept it ({@code trusted}, 1 or 0).
 * An untrusted certificate is still read, so an expiring self-signed certificate is reported too; a handshake
 * that fails is a failure.
 */
public final class TlsProber implements Prober {
    public static final String DAYS_LEFT = "days_left";
    public static final String TRUSTED = "trusted";

    private final Executor workers;
    private final Clock clock;

    public TlsProber(Executor workers, Clock clock) {
        this.workers = workers;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<Observation> probe(Monitor m) {
        return CompletableFuture.supplyAsync(() -> run(m), workers);
    }

    Observation run(Monitor m) {
        long start = System.nanoTime();
        Monitor.Endpoint e = m.endpoint();
        int timeout = (int) Math.max(1, m.timeout().toMillis());
        try {
            Recording trust = new Recording(defaultTrust());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {trust}, null);
            try (Socket raw = new Socket()) {
                raw.connect(new InetSocketAddress(e.host(), e.port()), timeout);
                raw.setSoTimeout(timeout);
                try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, e.host(), e.port(), true)) {
                    SSLParameters p = s.getSSLParameters();
                    p.setEndpointIdentificationAlgorithm("HTTPS");
                    if (!e.host().matches("[0-9.:]+")) p.setServerNames(List.of(new SNIHostName(e.host())));
                    s.setSSLParameters(p);
                    s.startHandshake();
                    X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
                    double days = (leaf.getNotAfter().getTime() - clock.millis()) / 86_400_000.0;
                    return Observation.values(
                            HttpProber.since(start), Map.of(DAYS_LEFT, days, TRUSTED, trust.trusted ? 1.0 : 0.0));
                }
            }
        } catch (java.net.SocketTimeoutException ex) {
            return Observation.failed(
                    HttpProber.since(start), "timed out after " + io.opsrouter.config.Durations.format(m.timeout()));
        } catch (Exception ex) {
            return Observation.failed(
                    HttpProber.since(start),
                    "TLS handshake with " + e.host() + ":" + e.port() + " failed: "
                            + HttpProber.describe(ex, m.timeout()));
        }
    }

    private static X509ExtendedTrustManager defaultTrust() throws Exception {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init((KeyStore) null);
        for (TrustManager t : f.getTrustManagers()) if (t instanceof X509ExtendedTrustManager x) return x;
        throw new IllegalStateException("no X509 trust manager");
    }

    /** Lets every handshake through and records whether the real trust check (chain and host name) passed. */
    private static final class Recording extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;
        volatile boolean trusted;

        Recording(X509ExtendedTrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            try {
                delegate.checkServerTrusted(chain, authType, socket);
                trusted = true;
            } catch (CertificateException | RuntimeException e) {
                trusted = false;
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            try {
                delegate.checkServerTrusted(chain, authType, engine);
                trusted = true;
            } catch (CertificateException | RuntimeException e) {
                trusted = false;
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            try {
                delegate.checkServerTrusted(chain, authType);
                trusted = true;
            } catch (CertificateException | RuntimeException e) {
                trusted = false;
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("client certificates are not checked");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("client certificates are not checked");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client certificates are not checked");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
