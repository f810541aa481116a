package dev.progresshub.auth;

import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import dev.progresshub.errors.ProblemException;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The one authentication path, for JAX-RS resources ({@link AuthFilter}) and plain Vert.x routes (the log
 * upload) alike: credentials → caller, then the token's rate limit. An address that failed too often gets
 * 429 before any database work; a token already known (cached) passes even then, so a guesser sharing an
 * address with real clients does not lock out tokens in use. May block on a cache miss: call it on a worker.
 */
@ApplicationScoped
public class Authenticator {

    private final TokenService tokens;
    private final StreamTickets tickets;
    private final FailedAuthLimiter failedAuth;
    private final RateLimiter rateLimiter;
    private final TokenExpiry expiry;

    Authenticator(TokenService tokens, StreamTickets tickets, FailedAuthLimiter failedAuth, RateLimiter rateLimiter,
            TokenExpiry expiry) {
        this.tokens = tokens;
        this.tickets = tickets;
        this.failedAuth = failedAuth;
        this.rateLimiter = rateLimiter;
        this.expiry = expiry;
    }

    /**
     * Authenticates, then checks the scope and what a share link may reach: {@code shareLinks} says whether
     * the endpoint admits one, {@code jobInPath} is the job it addresses (null for none); a share link is
     * refused elsewhere (403) and does not find other jobs (404).
     */
    public Caller authorize(Credentials credentials, Scope scope, boolean shareLinks, String jobInPath) {
        Caller caller = authenticate(credentials);
        if (!caller.has(scope)) {
            throw ProblemException.forbidden(scope.wire());
        }
        if (caller.isShareLink()) {
            if (!shareLinks) {
                throw ProblemException.forbiddenToShareLinks();
            }
            if (jobInPath != null && !jobInPath.equals(caller.jobId())) {
                throw ProblemException.notFound("no job '" + jobInPath + "'");
            }
        }
        return caller;
    }

    public Caller authenticate(Credentials credentials) {
        if (credentials.none()) {
            throw ProblemException.unauthorized("send Authorization: Bearer <token>", false);
        }
        Caller caller = credentials.token() != null ? byToken(credentials) : byTicket(credentials);
        expiry.watch(caller);
        rateLimiter.spend(caller.tokenId());
        return caller;
    }

    private Caller byToken(Credentials credentials) {
        String token = credentials.token();
        Optional<Caller> known = tokens.cached(token);
        if (known.isPresent()) {
            return failuresCounted(credentials, () -> tokens.unexpired(known.get()));
        }
        failedAuth.checkAllowed(credentials.clientAddress());
        return failuresCounted(credentials,
                () -> QuarkusTransaction.requiringNew().call(() -> tokens.authenticate(token)));
    }

    private Caller byTicket(Credentials credentials) {
        failedAuth.checkAllowed(credentials.clientAddress());
        return failuresCounted(credentials, () -> tickets.redeem(credentials.ticket()));
    }

    private Caller failuresCounted(Credentials credentials, Supplier<Caller> check) {
        try {
            return check.get();
        } catch (ProblemException e) {
            if (e.problem().status() == 401) {
                failedAuth.failed(credentials.clientAddress());
            }
            throw e;
        }
    }
}
