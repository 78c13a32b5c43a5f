package io.autotopup.auth.adapter.out.kafka;

import io.autotopup.auth.domain.TokenHash;
import io.autotopup.events.AuthorizationRecorded;
import io.autotopup.events.AuthorizationTokenRecorded;
import io.autotopup.events.TokenKind;
import io.autotopup.events.TokenRecorded;
import io.autotopup.platform.kafka.Acknowledged;
import io.autotopup.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * Spring Authorization Server's authorizations, kept on Kafka: each authorization on the compacted
 * {@code auth-authorizations}, and each of its tokens, by hash, on the compacted {@code auth-tokens}; every
 * instance reads both whole (global stores), so a restart or another instance finds every sign-in.
 *
 * <p>Refresh tokens rotate: each use gives a new one and the old one is remembered as used. A used refresh token
 * presented again means it leaked (or was stolen and used first): the whole authorization, the family of tokens
 * that sign-in produced, is revoked at once.
 *
 * <p>A write returns once this instance's stores have it; a token or authorization not found is looked for again
 * once the stores have caught up with everything written so far (by any instance), so a code issued by one
 * instance can be exchanged at another a moment later.
 */
public final class KafkaAuthorizationService implements OAuth2AuthorizationService {

    private static final Logger log = LoggerFactory.getLogger(KafkaAuthorizationService.class);
    private static final Duration CATCH_UP = Duration.ofSeconds(5);

    private final RegisteredClientRepository clients;
    private final KafkaTemplate<String, AuthorizationRecorded> authorizations;
    private final KafkaTemplate<String, AuthorizationTokenRecorded> tokens;
    private final Supplier<KafkaStreams> streams;
    private final AppliedOffsets applied;
    private final Admin admin;
    private final Clock clock;

    public KafkaAuthorizationService(RegisteredClientRepository clients, KafkaTemplate<String, AuthorizationRecorded> authorizations,
            KafkaTemplate<String, AuthorizationTokenRecorded> tokens, Supplier<KafkaStreams> streams, AppliedOffsets applied,
            Admin admin, Clock clock) {
        this.clients = clients;
        this.authorizations = authorizations;
        this.tokens = tokens;
        this.streams = streams;
        this.applied = applied;
        this.admin = admin;
        this.clock = clock;
    }

    @Override
    public void save(OAuth2Authorization authorization) {
        AuthorizationRecorded previous = authorizationStore().get(authorization.getId());
        List<String> used = previous == null ? new ArrayList<>() : new ArrayList<>(previous.getUsedRefreshTokens());
        Map<String, TokenRecorded> before = previous == null ? Map.of() : AuthorizationCodec.tokensByHash(previous);
        AuthorizationRecorded recorded = AuthorizationCodec.encode(authorization, previous == null ? 1 : previous.getVersion() + 1,
                used, previous == null ? null : previous.getRevokedAt());
        Map<String, TokenRecorded> now = AuthorizationCodec.tokensByHash(recorded);
        before.forEach((hash, token) -> {
            if (token.getKind() == TokenKind.REFRESH_TOKEN && !now.containsKey(hash) && !used.contains(hash)) {
                used.add(hash);
            }
        });
        recorded.setUsedRefreshTokens(used);
        write(recorded, before);
    }

    @Override
    public void remove(OAuth2Authorization authorization) {
        AuthorizationRecorded stored = authorizationStore().get(authorization.getId());
        if (stored == null) {
            return;
        }
        Set<String> hashes = new LinkedHashSet<>(AuthorizationCodec.tokensByHash(stored).keySet());
        hashes.addAll(stored.getUsedRefreshTokens());
        hashes.forEach(hash -> Acknowledged.await(tokens.send(Topics.AUTH_TOKENS.name(), hash, null), "a token's removal"));
        Acknowledged.await(authorizations.send(Topics.AUTH_AUTHORIZATIONS.name(), stored.getAuthorizationId(), null),
                "an authorization's removal");
    }

    @Override
    public OAuth2Authorization findById(String id) {
        AuthorizationRecorded recorded = authorizationStore().get(id);
        if (recorded == null && catchUp()) {
            recorded = authorizationStore().get(id);
        }
        return recorded == null ? null : decode(recorded, null);
    }

    @Override
    public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
        String hash = TokenHash.of(token);
        AuthorizationTokenRecorded entry = tokenStore().get(hash);
        if (entry == null && catchUp()) {
            entry = tokenStore().get(hash);
        }
        if (entry == null || !matches(entry.getKind(), tokenType)) {
            return null;
        }
        AuthorizationRecorded recorded = authorizationStore().get(entry.getAuthorizationId());
        if (recorded == null && catchUp()) {
            recorded = authorizationStore().get(entry.getAuthorizationId());
        }
        if (recorded == null) {
            return null;
        }
        if (entry.getUsed() || recorded.getUsedRefreshTokens().contains(hash)) {
            if (recorded.getRevokedAt() == null) {
                log.warn("A refresh token of authorization {} (client {}) was used a second time: the sign-in is revoked",
                        recorded.getAuthorizationId(), recorded.getRegisteredClientId());
                revoke(recorded);
            }
            return null;
        }
        return decode(recorded, token);
    }

    /** Removes the authorizations whose every token has expired, and those revoked a day ago or more. */
    public int removeExpired() {
        Instant now = clock.instant();
        List<AuthorizationRecorded> expired = new ArrayList<>();
        try (KeyValueIterator<String, AuthorizationRecorded> all = authorizationStore().all()) {
            all.forEachRemaining(entry -> {
                AuthorizationRecorded recorded = entry.value;
                boolean allExpired = recorded.getTokens().stream().allMatch(token -> token.getExpiresAt() != null
                        && token.getExpiresAt().isBefore(now));
                boolean revokedLongAgo = recorded.getRevokedAt() != null && recorded.getRevokedAt().isBefore(now.minus(Duration.ofDays(1)));
                if (allExpired || revokedLongAgo) {
                    expired.add(recorded);
                }
            });
        }
        expired.forEach(recorded -> {
            OAuth2Authorization authorization = decode(recorded, null);
            if (authorization != null) {
                remove(authorization);
            }
        });
        return expired.size();
    }

    private void revoke(AuthorizationRecorded recorded) {
        AuthorizationRecorded revoked = AuthorizationRecorded.newBuilder(recorded).setVersion(recorded.getVersion() + 1)
                .setRevokedAt(clock.instant()).build();
        revoked.getTokens().forEach(token -> token.setInvalidated(true));
        write(revoked, AuthorizationCodec.tokensByHash(recorded));
    }

    /** Writes the tokens' entries (the used ones marked, the dropped ones removed), then the authorization, and waits for them here. */
    private void write(AuthorizationRecorded recorded, Map<String, TokenRecorded> before) {
        Map<String, TokenRecorded> now = AuthorizationCodec.tokensByHash(recorded);
        for (TokenRecorded token : now.values()) {
            send(token.getValueHash(), AuthorizationTokenRecorded.newBuilder().setTokenHash(token.getValueHash())
                    .setAuthorizationId(recorded.getAuthorizationId()).setKind(token.getKind()).setUsed(false)
                    .setExpiresAt(token.getExpiresAt()).build());
        }
        for (String hash : recorded.getUsedRefreshTokens()) {
            TokenRecorded was = before.get(hash);
            if (was != null) {
                send(hash, AuthorizationTokenRecorded.newBuilder().setTokenHash(hash).setAuthorizationId(recorded.getAuthorizationId())
                        .setKind(TokenKind.REFRESH_TOKEN).setUsed(true).setExpiresAt(was.getExpiresAt()).build());
            }
        }
        before.forEach((hash, token) -> {
            if (!now.containsKey(hash) && !recorded.getUsedRefreshTokens().contains(hash)) {
                send(hash, null);
            }
        });
        Acknowledged.await(authorizations.send(Topics.AUTH_AUTHORIZATIONS.name(), recorded.getAuthorizationId(), recorded),
                "an authorization");
        awaitStored(recorded);
    }

    private void send(String hash, AuthorizationTokenRecorded entry) {
        Acknowledged.await(tokens.send(Topics.AUTH_TOKENS.name(), hash, entry), "a token's entry");
    }

    private void awaitStored(AuthorizationRecorded written) {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        while (System.nanoTime() < deadline) {
            AuthorizationRecorded stored = authorizationStore().get(written.getAuthorizationId());
            if (stored != null && stored.getVersion() >= written.getVersion()) {
                return;
            }
            pause();
        }
        log.warn("Authorization {} was written but this instance's store has not caught up within {}",
                written.getAuthorizationId(), CATCH_UP);
    }

    /** Waits until the stores have read everything written so far, by any instance; false if they did not in time. */
    private boolean catchUp() {
        Map<TopicPartition, Long> ends = endOffsets();
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        while (!applied.reached(ends)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            pause();
        }
        return true;
    }

    private Map<TopicPartition, Long> endOffsets() {
        return endOffsets(admin);
    }

    /** Where each partition of the authorization topics ends now. */
    public static Map<TopicPartition, Long> endOffsets(Admin admin) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        try {
            admin.describeTopics(List.of(Topics.AUTH_AUTHORIZATIONS.name(), Topics.AUTH_TOKENS.name())).allTopicNames()
                    .get(10, TimeUnit.SECONDS).forEach((topic, description) -> description.partitions().forEach(
                            partition -> latest.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest())));
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).forEach((partition, info) -> ends.put(partition, info.offset()));
            return ends;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Cannot read the ends of the authorization topics", e);
        }
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private OAuth2Authorization decode(AuthorizationRecorded recorded, String presented) {
        RegisteredClient client = clients.findById(recorded.getRegisteredClientId());
        if (client == null) {
            // a client removed from the configuration: its authorizations count for nothing
            return null;
        }
        return AuthorizationCodec.decode(recorded, client, presented);
    }

    private static boolean matches(TokenKind kind, OAuth2TokenType type) {
        if (type == null) {
            return true;
        }
        return switch (type.getValue()) {
            case OAuth2ParameterNames.CODE -> kind == TokenKind.AUTHORIZATION_CODE;
            case OAuth2ParameterNames.ACCESS_TOKEN -> kind == TokenKind.ACCESS_TOKEN;
            case OAuth2ParameterNames.REFRESH_TOKEN -> kind == TokenKind.REFRESH_TOKEN;
            case OidcParameterNames.ID_TOKEN -> kind == TokenKind.ID_TOKEN;
            default -> false;
        };
    }

    private ReadOnlyKeyValueStore<String, AuthorizationRecorded> authorizationStore() {
        return store(AuthorizationTopology.AUTHORIZATIONS_STORE);
    }

    private ReadOnlyKeyValueStore<String, AuthorizationTokenRecorded> tokenStore() {
        return store(AuthorizationTopology.TOKENS_STORE);
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        return streams.get().store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
    }
}
