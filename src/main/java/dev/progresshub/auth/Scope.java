package dev.progresshub.auth;

import java.util.Arrays;
import java.util.Optional;

/** What a token may do. {@code admin} implies every other scope, in every project. */
public enum Scope {
    INGEST, READ, CONTROL, ADMIN;

    public String wire() {
        return name().toLowerCase();
    }

    public static Optional<Scope> fromWire(String value) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(value)).findFirst();
    }
}
