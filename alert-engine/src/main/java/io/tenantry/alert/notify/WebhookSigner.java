package io.tenantry.alert.notify;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * The webhook signature (issue 12 "Notifications"; the scheme Stripe and Svix use): header
 * {@code X-Tenantry-Timestamp} = epoch seconds of the attempt, header {@code X-Tenantry-Signature} =
 * {@code sha256=} + lower-case hex of HMAC-SHA256(channel secret as UTF-8 bytes, {@code <timestamp> + "." + <body>}).
 * A receiver recomputes it, compares in constant time, and refuses timestamps older than a few minutes (replay);
 * header {@code Idempotency-Key} is the same on every attempt of one delivery, so duplicates can be dropped.
 */
public final class WebhookSigner {
    public static final String SIGNATURE = "X-Tenantry-Signature";
    public static final String TIMESTAMP = "X-Tenantry-Timestamp";
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private WebhookSigner() {
    }

    /** @return {@code sha256=<hex>} */
    public static String sign(String secret, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
