package dev.progresshub.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import dev.progresshub.errors.ProblemException;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Stream tickets (CONTRACT section 1): a browser's EventSource cannot send a header, and a token in a URL
 * ends up in logs and histories, so the dashboard trades its token for a ticket that opens one stream,
 * once, within 60 s. Tickets live in the database, hashed: the stream request may reach another instance
 * than the one that issued it, and deleting the row on redemption makes it single-use cluster-wide.
 */
@ApplicationScoped
public class StreamTickets {

    static final Duration VALIDITY = Duration.ofSeconds(60);

    private final EntityManager entityManager;
    private final TokenService tokens;
    private final Clock clock;

    StreamTickets(EntityManager entityManager, TokenService tokens, Clock clock) {
        this.entityManager = entityManager;
        this.tokens = tokens;
        this.clock = clock;
    }

    /** Answered inside a {@code Response}, which hides its type from Quarkus: registered for native. */
    @RegisterForReflection
    public record Issued(String ticket, Instant expiresAt) {
    }

    /** A ticket carrying the caller's rights; expired tickets are swept on the way (an indexed delete). */
    @Transactional
    public Issued issue(Caller caller) {
        Instant now = clock.instant();
        entityManager.createNativeQuery("delete from stream_ticket where expires_at <= ?1")
                .setParameter(1, now).executeUpdate();
        String ticket = TokenHash.newTicket();
        Instant expiresAt = now.plus(VALIDITY);
        entityManager.createNativeQuery("insert into stream_ticket (ticket_hash, token_id, expires_at) values (?1, ?2, ?3)")
                .setParameter(1, TokenHash.sha256Hex(ticket))
                .setParameter(2, caller.tokenId())
                .setParameter(3, expiresAt)
                .executeUpdate();
        return new Issued(ticket, expiresAt);
    }

    /** The caller a ticket was issued to, consuming the ticket; 401 when unknown, used or expired. */
    @Transactional
    public Caller redeem(String ticket) {
        if (!TokenHash.looksLikeTicket(ticket)) {
            throw unknownTicket();
        }
        @SuppressWarnings("unchecked")
        List<Object> tokenIds = entityManager.createNativeQuery(
                "delete from stream_ticket where ticket_hash = ?1 and expires_at > ?2 returning token_id")
                .setParameter(1, TokenHash.sha256Hex(ticket))
                .setParameter(2, clock.instant())
                .getResultList();
        if (tokenIds.isEmpty()) {
            throw unknownTicket();
        }
        return tokens.byId((String) tokenIds.getFirst());
    }

    private static ProblemException unknownTicket() {
        return ProblemException.unauthorized("the ticket is unknown, used or expired; ask for a new one", true);
    }
}
