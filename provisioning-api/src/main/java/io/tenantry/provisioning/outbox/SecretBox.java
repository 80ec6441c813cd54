package io.tenantry.provisioning.outbox;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * AES-256-GCM (NIST SP 800-38D) for secrets that must wait in PostgreSQL until the broker has them: a new
 * MQTT password sits encrypted in the outbox and is wiped once applied. Layout: 12-byte random IV ‖ ciphertext+tag.
 */
final class SecretBox {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretKeySpec key;

    /** @param base64Key 32 bytes, base64 */
    SecretBox(String base64Key) {
        byte[] k = Base64.getDecoder().decode(base64Key.trim());
        if (k.length != 32) {
            throw new IllegalArgumentException("secret key must be 32 bytes (base64), got " + k.length);
        }
        this.key = new SecretKeySpec(k, "AES");
    }

    byte[] seal(String plaintext) {
        try {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            byte[] ct = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(iv.length + ct.length).put(iv).put(ct).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt", e);
        }
    }

    /** @throws IllegalStateException when the data was not sealed with this key or was altered */
    String open(byte[] sealed) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 0, 12));
            return new String(c.doFinal(sealed, 12, sealed.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot decrypt outbox secret (wrong key or altered data)", e);
        }
    }
}
