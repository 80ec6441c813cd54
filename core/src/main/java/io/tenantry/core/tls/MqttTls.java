package io.tenantry.core.tls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

/**
 * TLS for MQTT clients that trust exactly one CA given as PEM (the broker CA handed out with device credentials):
 * the one TLS helper of the project (issue 9 §5), used by the edge agent, the platform services and the tests.
 * Plain JDK, so a device program gets it from {@code core} without any server code.
 */
public final class MqttTls {
    private MqttTls() {
    }

    /** A socket factory trusting the CA certificates in the PEM file. */
    public static SSLSocketFactory socketFactory(Path caPem) {
        try {
            return socketFactory(Files.readString(caPem, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read CA file " + caPem + ": " + e.getMessage(), e);
        }
    }

    /**
     * A socket factory trusting the CA certificates in {@code caPem} (one or more PEM blocks).
     *
     * @throws IllegalArgumentException when the PEM holds no certificate
     */
    public static SSLSocketFactory socketFactory(String caPem) {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : cf.generateCertificates(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)))) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            if (i == 0) {
                throw new IllegalArgumentException("no certificate in CA PEM");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("invalid CA PEM: " + e.getMessage(), e);
        }
    }
}
