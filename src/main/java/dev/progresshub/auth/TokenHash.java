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
    private static final String TICKET_PREFIX = "pht_";
    /** 32 random bytes in unpadded base64url. */
    private static final java.util.regex.Pattern SECRET = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{43}");

    private TokenHash() {
    }

    /** A SecureRandom per call, not a static one: a native image must not carry a seeded one from its build. */
    public static String newToken() {
        return PREFIX + randomSecret();
    }

    /** A stream ticket: its own prefix, so it is never mistaken for a token. */
    public static String newTicket() {
        return TICKET_PREFIX + randomSecret();
    }

    /** Whether a presented string could be a token this service issued: anything else needs no lookup. */
    public static boolean looksLikeToken(String presented) {
        return hasShape(presented, PREFIX);
    }

    public static boolean looksLikeTicket(String presented) {
        return hasShape(presented, TICKET_PREFIX);
    }

    private static boolean hasShape(String presented, String prefix) {
        return presented.startsWith(prefix) && SECRET.matcher(presented).region(prefix.length(), presented.length())
                .matches();
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
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
