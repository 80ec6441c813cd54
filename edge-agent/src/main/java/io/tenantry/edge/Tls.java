package io.tenantry.edge;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

/** TLS helpers: trust exactly the CA certificate(s) of a PEM file. */
public final class Tls {
    private Tls() {
    }

    /**
     * An SSL socket factory that trusts only the CA certificates in {@code caPem} (one or more PEM
     * {@code CERTIFICATE} blocks). Hostname verification is not part of the factory; the MQTT client turns it on
     * ({@code MqttConnectionOptions#setHttpsHostnameVerificationEnabled}).
     *
     * @throws IllegalArgumentException when the file cannot be read or holds no certificate
     */
    public static SSLSocketFactory socketFactory(Path caPem) {
        try (InputStream in = Files.newInputStream(caPem)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            if (i == 0) {
                throw new IllegalArgumentException("no certificate in CA file " + caPem);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read CA file " + caPem + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("invalid CA file " + caPem + ": " + e.getMessage(), e);
        }
    }
}
