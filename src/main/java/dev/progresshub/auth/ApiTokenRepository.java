package dev.progresshub.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;

@ApplicationScoped
public class ApiTokenRepository implements PanacheRepositoryBase<ApiToken, String> {

    public Optional<ApiToken> findActiveByHash(String tokenHash) {
        return find("tokenHash = ?1 and revokedAt is null", tokenHash).firstResultOptional();
    }

    public List<String> idsRevokedSince(Instant since) {
        return getEntityManager().createQuery("select t.id from ApiToken t where t.revokedAt >= ?1", String.class)
                .setParameter(1, since).getResultList();
    }

    public List<ApiToken> listOldestFirst() {
        return listAll(Sort.by("createdAt"));
    }
}
