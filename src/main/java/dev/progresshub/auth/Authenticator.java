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
        return permitted(authenticate(credentials), scope, shareLinks, jobInPath);
    }

    /**
     * The non-blocking half of {@link #authorize}, for routes on the event loop: the caller behind a bearer
     * token this instance already knows (cached, or the bootstrap admin), without any database work and
     * without spending anything. Empty means "not known here": take the full path on a worker, not "refused".
     * Whatever is answered with it must first pass {@link #admitKnown}.
     */
    public Optional<Caller> known(Credentials credentials) {
        return credentials.token() == null ? Optional.empty() : tokens.cached(credentials.token());
    }

    /**
     * The rest of {@link #authorize} for a caller from {@link #known}: expiry, the rate limit, the scope and
     * what a share link may reach, exactly as the full path checks them. Non-blocking.
     */
    public Caller admitKnown(Credentials credentials, Caller known, Scope scope, boolean shareLinks,
            String jobInPath) {
        Caller caller = failuresCounted(credentials, () -> tokens.unexpired(known));
        expiry.watch(caller);
        rateLimiter.spend(caller.tokenId());
        return permitted(caller, scope, shareLinks, jobInPath);
    }

    private static Caller permitted(Caller caller, Scope scope, boolean shareLinks, String jobInPath) {
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
        return admitted(credentials, () -> QuarkusTransaction.requiringNew().call(() -> tokens.authenticate(token)));
    }

    private Caller byTicket(Credentials credentials) {
        return admitted(credentials, () -> tickets.redeem(credentials.ticket()));
    }

    /** A check that may read the database, on a unit of the address's failed-auth allowance, kept if it fails. */
    private Caller admitted(Credentials credentials, Supplier<Caller> check) {
        failedAuth.admit(credentials.clientAddress());
        boolean refused = false;
        try {
            return check.get();
        } catch (ProblemException e) {
            refused = e.problem().status() == 401;
            throw e;
        } finally {
            if (!refused) {
                failedAuth.passed(credentials.clientAddress());
            }
        }
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
