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
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.progresshub.cluster.ClusterNotifier;
import dev.progresshub.config.ProgressHubConfig;
import dev.progresshub.errors.ProblemException;

/**
 * Issues, checks and revokes tokens. Lookups are cached so the 2-second poll path reads no database row;
 * revocations evict the cache on every instance at once through the cluster channel.
 */
@ApplicationScoped
public class TokenService {

    public static final Pattern PROJECT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final String BOOTSTRAP_ADMIN_ID = "bootstrap-admin";
    private static final int MAX_CACHED_TOKENS = 10_000;
    private static final int MAX_CACHED_UNKNOWN = 1_000;

    private final ApiTokenRepository tokens;
    private final ProgressHubConfig config;
    private final ClusterNotifier cluster;
    private final Clock clock;
    private final ConcurrentHashMap<String, CachedLookup> cache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CachedLookup> unknown = new ConcurrentHashMap<>();

    private record CachedLookup(Optional<Caller> caller, Instant cachedAt) {
    }

    TokenService(ApiTokenRepository tokens, ProgressHubConfig config, ClusterNotifier cluster, Clock clock) {
        this.tokens = tokens;
        this.config = config;
        this.cluster = cluster;
        this.clock = clock;
    }

    /** The caller behind a presented token, or 401. */
    public Caller authenticate(String presented) {
        Instant now = clock.instant();
        Optional<Caller> caller = bootstrapAdmin(presented).or(() -> lookup(presented, now));
        if (caller.isEmpty()) {
            throw ProblemException.unauthorized("the token is unknown or revoked", true);
        }
        if (caller.get().expiredAt(now)) {
            throw ProblemException.unauthorized("the token has expired", true);
        }
        return caller.get();
    }

    /**
     * The caller behind a token this instance already knows and that is still valid: no database work, so
     * the event loop may ask. Empty means "ask {@link #authenticate}" (on a worker), not "refused".
     */
    public Optional<Caller> cached(String presented) {
        Instant now = clock.instant();
        Optional<Caller> admin = bootstrapAdmin(presented);
        if (admin.isPresent()) {
            return admin;
        }
        CachedLookup hit = cache.get(TokenHash.sha256Hex(presented));
        if (hit == null || !hit.cachedAt().plus(config.cache().tokenTtl()).isAfter(now)) {
            return Optional.empty();
        }
        return hit.caller().filter(caller -> !caller.expiredAt(now));
    }

    private Optional<Caller> bootstrapAdmin(String presented) {
        return config.adminToken()
                .filter(admin -> !admin.isBlank() && TokenHash.sameToken(presented, admin))
                .map(admin -> new Caller(BOOTSTRAP_ADMIN_ID, "bootstrap admin", Caller.ALL_PROJECTS,
                        EnumSet.of(Scope.ADMIN), null));
    }

    private Optional<Caller> lookup(String presented, Instant now) {
        String hash = TokenHash.sha256Hex(presented);
        CachedLookup cached = cache.getOrDefault(hash, unknown.get(hash));
        if (cached != null && cached.cachedAt().plus(config.cache().tokenTtl()).isAfter(now)) {
            return cached.caller();
        }
        Optional<Caller> caller = tokens.findActiveByHash(hash).map(TokenService::toCaller);
        // unknown tokens get a small map of their own: a flood of guesses never evicts the real ones
        ConcurrentHashMap<String, CachedLookup> target = caller.isPresent() ? cache : unknown;
        if (target.size() >= (caller.isPresent() ? MAX_CACHED_TOKENS : MAX_CACHED_UNKNOWN)) {
            target.clear();
        }
        target.put(hash, new CachedLookup(caller, now));
        return caller;
    }

    @Transactional
    public TokenView create(TokenRequest request) {
        Set<Scope> scopes = validate(request);
        String token = TokenHash.newToken();
        ApiToken entity = new ApiToken();
        entity.id = UUID.randomUUID().toString();
        entity.name = request.name().strip();
        entity.project = request.project();
        entity.scopes = scopes.stream().map(Scope::wire).collect(Collectors.joining(","));
        entity.tokenHash = TokenHash.sha256Hex(token);
        entity.createdAt = clock.instant();
        entity.expiresAt = request.expiresAt();
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
        ApiToken token = tokens.findByIdOptional(id)
                .orElseThrow(() -> ProblemException.notFound("no token '" + id + "'"));
        if (token.revokedAt == null) {
            token.revokedAt = clock.instant();
            evict(id);
            cluster.tokenRevoked(id);
        }
    }

    /** Called for revocations from any instance (this one included) and after a lost cluster connection. */
    public void evict(String tokenId) {
        cache.values().removeIf(lookup -> lookup.caller().map(c -> c.tokenId().equals(tokenId)).orElse(false));
    }

    public void evictAll() {
        cache.clear();
        unknown.clear();
    }

    private Set<Scope> validate(TokenRequest request) {
        if (request == null || request.name() == null || request.name().isBlank() || request.name().length() > 200) {
            throw ProblemException.invalid("name", "required, at most 200 characters");
        }
        if (request.project() == null || !PROJECT_NAME.matcher(request.project()).matches()) {
            throw ProblemException.invalid("project", "required: letters, digits, '.', '_' or '-', at most 64");
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
        return new Caller(token.id, token.name, token.project, scopes, token.expiresAt);
    }

    private static TokenView view(ApiToken token, String secret) {
        return new TokenView(token.id, secret, token.name, token.project, List.of(token.scopes.split(",")),
                token.createdAt, token.expiresAt, token.revokedAt);
    }
}
