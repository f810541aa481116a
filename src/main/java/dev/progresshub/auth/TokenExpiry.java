package dev.progresshub.auth;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import io.quarkus.scheduler.Scheduled;

/**
 * Expiry reaches open connections: every token with an expiry that authenticated here is watched, and
 * when it expires {@link TokenRevoked} fires on this instance (every instance watches the tokens it
 * served, so whatever a token holds open anywhere ends within about a second of its expiry).
 */
@ApplicationScoped
public class TokenExpiry {

    private final ConcurrentHashMap<String, Instant> watched = new ConcurrentHashMap<>();
    private final Event<TokenRevoked> revoked;
    private final Clock clock;

    TokenExpiry(Event<TokenRevoked> revoked, Clock clock) {
        this.revoked = revoked;
        this.clock = clock;
    }

    void watch(Caller caller) {
        if (caller.expiresAt() != null) {
            watched.putIfAbsent(caller.tokenId(), caller.expiresAt());
        }
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void fireExpired() {
        Instant now = clock.instant();
        watched.forEach((tokenId, expiresAt) -> {
            if (!now.isBefore(expiresAt) && watched.remove(tokenId, expiresAt)) {
                revoked.fire(new TokenRevoked(tokenId));
            }
        });
    }
}
