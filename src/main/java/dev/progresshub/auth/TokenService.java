package dev.progresshub.auth;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.transaction.Transactional;

import dev.progresshub.config.ProgressHubConfig;
import dev.progresshub.errors.ProblemException;

/**
 * Issues, checks and revokes tokens (share links are tokens too, limited to one job). Lookups are cached so
 * the 2-second poll path reads no database row; a revocation is announced as {@link TokenRevocation} (the
 * cluster tells every instance, which then fires {@link TokenRevoked}) and evicts the cache at once here.
 */
@ApplicationScoped
public class TokenService {

    static final String BOOTSTRAP_ADMIN_ID = "bootstrap-admin";
    private static final int MAX_CACHED_TOKENS = 10_000;
    private static final int MAX_CACHED_UNKNOWN = 10_000;

    private final ApiTokenRepository tokens;
    private final ProgressHubConfig config;
    private final Event<TokenRevocation> revocations;
    private final Event<TokenRevoked> revoked;
    private final Clock clock;
    private final ConcurrentHashMap<String, CachedLookup> cache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Instant> unknown = new ConcurrentHashMap<>();

    private record CachedLookup(Caller caller, Instant cachedAt) {
    }

    TokenService(ApiTokenRepository tokens, ProgressHubConfig config, Event<TokenRevocation> revocations,
            Event<TokenRevoked> revoked, Clock clock) {
        this.tokens = tokens;
        this.config = config;
        this.revocations = revocations;
        this.revoked = revoked;
        this.clock = clock;
    }

    /** The caller behind a presented token, or 401. May read the database (one indexed row) on a cache miss. */
    public Caller authenticate(String presented) {
        Instant now = clock.instant();
        Optional<Caller> caller = bootstrapAdmin(presented).or(() -> lookup(presented, now));
        return checked(caller, now);
    }

    /** The caller when it is known without any database work: the bootstrap admin or a cached token. */
    Optional<Caller> cached(String presented) {
        Instant now = clock.instant();
        return bootstrapAdmin(presented).or(() -> Optional.ofNullable(cache.get(TokenHash.sha256Hex(presented)))
                .filter(hit -> fresh(hit.cachedAt(), now)).map(CachedLookup::caller));
    }

    /** The token behind a redeemed stream ticket, by id: it may have been revoked since the ticket was issued. */
    Caller byId(String tokenId) {
        Instant now = clock.instant();
        if (BOOTSTRAP_ADMIN_ID.equals(tokenId)) {
            return checked(config.adminToken().map(admin -> bootstrapCaller()), now);
        }
        return checked(tokens.findByIdOptional(tokenId).filter(t -> t.revokedAt == null).map(TokenService::toCaller),
                now);
    }

    /** A cached caller, still within its expiry; else 401. */
    Caller unexpired(Caller caller) {
        return checked(Optional.of(caller), clock.instant());
    }

    private static Caller checked(Optional<Caller> caller, Instant now) {
        if (caller.isEmpty()) {
            throw ProblemException.unauthorized("the token is unknown or revoked", true);
        }
        if (caller.get().expiredAt(now)) {
            throw ProblemException.unauthorized("the token has expired", true);
        }
        return caller.get();
    }

    private Optional<Caller> bootstrapAdmin(String presented) {
        return config.adminToken()
                .filter(admin -> !admin.isBlank() && TokenHash.sameToken(presented, admin))
                .map(admin -> bootstrapCaller());
    }

    private static Caller bootstrapCaller() {
        return new Caller(BOOTSTRAP_ADMIN_ID, "bootstrap admin", Caller.ALL_PROJECTS, EnumSet.of(Scope.ADMIN), null,
                null);
    }

    /**
     * A string that cannot be one of our tokens costs no lookup; an unknown one is remembered for the cache
     * TTL. The negative cache never evicts when full (it just stops growing until entries age out), so a flood
     * of fresh guesses cannot push out the remembered ones and turn them back into queries; the guesses
     * themselves are bounded per address by {@link FailedAuthLimiter}.
     */
    private Optional<Caller> lookup(String presented, Instant now) {
        if (!TokenHash.looksLikeToken(presented)) {
            return Optional.empty();
        }
        String hash = TokenHash.sha256Hex(presented);
        CachedLookup hit = cache.get(hash);
        if (hit != null && fresh(hit.cachedAt(), now)) {
            return Optional.of(hit.caller());
        }
        Instant knownUnknown = unknown.get(hash);
        if (knownUnknown != null && fresh(knownUnknown, now)) {
            return Optional.empty();
        }
        Optional<Caller> caller = tokens.findActiveByHash(hash).map(TokenService::toCaller);
        if (caller.isPresent()) {
            if (cache.size() >= MAX_CACHED_TOKENS) {
                cache.values().removeIf(entry -> !fresh(entry.cachedAt(), now));
            }
            if (cache.size() < MAX_CACHED_TOKENS) {
                cache.put(hash, new CachedLookup(caller.get(), now));
            }
        } else {
            if (unknown.size() >= MAX_CACHED_UNKNOWN) {
                unknown.values().removeIf(cachedAt -> !fresh(cachedAt, now));
            }
            if (unknown.size() < MAX_CACHED_UNKNOWN) {
                unknown.put(hash, now);
            }
        }
        return caller;
    }

    private boolean fresh(Instant cachedAt, Instant now) {
        return cachedAt.plus(config.cache().tokenTtl()).isAfter(now);
    }

    @Transactional
    public TokenView create(TokenRequest request) {
        Set<Scope> scopes = validate(request);
        return issue(request.name().strip(), request.project(), scopes, request.expiresAt(), null);
    }

    /** A share link: a read-only token for one job, stored and revoked like any token. */
    @Transactional
    public TokenView createShareLink(String project, String jobId, Instant expiresAt) {
        return issue("share link for job " + jobId, project, EnumSet.of(Scope.READ), expiresAt, jobId);
    }

    private TokenView issue(String name, String project, Set<Scope> scopes, Instant expiresAt, String jobId) {
        String token = TokenHash.newToken();
        ApiToken entity = new ApiToken();
        entity.id = UUID.randomUUID().toString();
        entity.name = name;
        entity.project = project;
        entity.scopes = scopes.stream().map(Scope::wire).collect(Collectors.joining(","));
        entity.tokenHash = TokenHash.sha256Hex(token);
        entity.createdAt = clock.instant();
        entity.expiresAt = expiresAt;
        entity.jobId = jobId;
        tokens.persist(entity);
        // a negative lookup of this very token may be cached; it could only come from a guess, but be exact
        unknown.remove(entity.tokenHash);
        return view(entity, token);
    }

    @Transactional
    public List<TokenView> list() {
        return tokens.listOldestFirst().stream().map(t -> view(t, null)).toList();
    }

    @Transactional
    public void revoke(String id) {
        revoke(tokens.findByIdOptional(id)
                .orElseThrow(() -> ProblemException.notFound("no token '" + id + "'")));
    }

    /** Revokes a share link of that job in that project; 404 for anything else. */
    @Transactional
    public void revokeShareLink(String project, String jobId, String linkId) {
        revoke(tokens.findByIdOptional(linkId)
                .filter(t -> project.equals(t.project) && jobId.equals(t.jobId))
                .orElseThrow(() -> ProblemException.notFound("no link '" + linkId + "' for job '" + jobId + "'")));
    }

    private void revoke(ApiToken token) {
        if (token.revokedAt == null) {
            token.revokedAt = clock.instant();
            evict(token.id);
            revocations.fire(new TokenRevocation(token.id));
        }
    }

    /** After the commit this instance also ends what the token holds open, without waiting for the cluster. */
    void revokedHere(@Observes(during = TransactionPhase.AFTER_SUCCESS) TokenRevocation revocation) {
        revoked.fire(new TokenRevoked(revocation.tokenId()));
    }

    /**
     * Revoked on any instance, or expired: evicted here. For the revoking instance this comes again from the
     * cluster, after commit, which also drops a lookup that raced the revoking transaction and cached it again.
     */
    void onRevoked(@Observes TokenRevoked revoked) {
        evict(revoked.tokenId());
    }

    private void evict(String tokenId) {
        cache.values().removeIf(lookup -> lookup.caller().tokenId().equals(tokenId));
    }

    /** Tokens revoked since then, on any instance: a reconnected cluster listener missed their notices. */
    @Transactional
    public List<String> revokedSince(Instant since) {
        return tokens.idsRevokedSince(since);
    }

    /** After a lost cluster connection revocations may have been missed: forget every lookup. */
    public void evictAll() {
        cache.clear();
        unknown.clear();
    }

    private Set<Scope> validate(TokenRequest request) {
        if (request == null || request.name() == null || request.name().isBlank() || request.name().length() > 200) {
            throw ProblemException.invalid("name", "required, at most 200 characters");
        }
        if (request.project() == null || !Caller.PROJECT_NAME.matcher(request.project()).matches()) {
            throw ProblemException.invalid("project", "required, " + Caller.PROJECT_RULE);
        }
        if (request.scopes() == null || request.scopes().isEmpty()) {
            throw ProblemException.invalid("scopes", "at least one of " + Arrays.toString(wireScopes()));
        }
        Set<Scope> scopes = new LinkedHashSet<>();
        for (String scope : request.scopes()) {
            scopes.add(Scope.fromWire(scope).orElseThrow(() -> ProblemException.invalid("scopes",
                    "unknown scope '" + scope + "'; use " + Arrays.toString(wireScopes()))));
        }
        if (request.expiresAt() != null && !request.expiresAt().isAfter(clock.instant())) {
            throw ProblemException.invalid("expiresAt", "must be in the future");
        }
        return scopes;
    }

    private static String[] wireScopes() {
        return Arrays.stream(Scope.values()).map(Scope::wire).toArray(String[]::new);
    }

    private static Caller toCaller(ApiToken token) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        Arrays.stream(token.scopes.split(",")).map(Scope::fromWire).flatMap(Optional::stream).forEach(scopes::add);
        return new Caller(token.id, token.name, token.project, scopes, token.expiresAt, token.jobId);
    }

    private static TokenView view(ApiToken token, String secret) {
        return new TokenView(token.id, secret, token.name, token.project, List.of(token.scopes.split(",")),
                token.createdAt, token.expiresAt, token.revokedAt, token.jobId);
    }
}
