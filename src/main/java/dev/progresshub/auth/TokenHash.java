package dev.progresshub.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Token generation and hashing: tokens are 256 random bits, stored only as their SHA-256. */
public final class TokenHash {

    private static final String PREFIX = "ph_";

    private TokenHash() {
    }

    /** A SecureRandom per call, not a static one: a native image must not carry a seeded one from its build. */
    public static String newToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }

    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    /** Constant-time comparison of two tokens, through their digests so lengths leak nothing either. */
    public static boolean sameToken(String presented, String expected) {
        return MessageDigest.isEqual(sha256(presented), sha256(expected));
    }
}
