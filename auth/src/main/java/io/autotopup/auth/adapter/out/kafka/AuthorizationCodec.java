package io.autotopup.auth.adapter.out.kafka;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotopup.auth.domain.TokenHash;
import io.autotopup.events.AuthorizationRecorded;
import io.autotopup.events.AuthorizationRequestRecorded;
import io.autotopup.events.TokenKind;
import io.autotopup.events.TokenRecorded;
import java.net.URL;
import java.security.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.autotopup.auth.adapter.in.web.PhoneCodeAuthenticationProvider;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * An {@link OAuth2Authorization} to and from the event that keeps it on Kafka. Every token is written as its hash
 * ({@link TokenHash}) and read back with the hash standing in for its value: what Spring Authorization Server
 * needs of a stored token is whether it is active, its expiry and its claims, and the value only of the token it was
 * just given, which the caller passes on. The signed-in principal is kept as its name (a subscriber id) and the request of the code flow as its
 * fields.
 */
final class AuthorizationCodec {

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The claims that Spring Authorization Server reads as instants (RFC 7519's times: introspection casts them): written
     * as epoch seconds, read back as instants. {@code auth_time} stays a number, as the next ID token takes it over
     * as it is and the JWT encoder writes only these three from instants.
     */
    private static final List<String> TIME_CLAIMS = List.of("iat", "exp", "nbf");
    private static final TypeReference<Map<String, Object>> CLAIMS = new TypeReference<>() {
    };

    private AuthorizationCodec() {
    }

    static AuthorizationRecorded encode(OAuth2Authorization authorization, long version, List<String> usedRefreshTokens,
            Instant revokedAt) {
        List<TokenRecorded> tokens = new ArrayList<>();
        add(tokens, TokenKind.AUTHORIZATION_CODE, authorization.getToken(OAuth2AuthorizationCode.class));
        add(tokens, TokenKind.ACCESS_TOKEN, authorization.getAccessToken());
        add(tokens, TokenKind.REFRESH_TOKEN, authorization.getRefreshToken());
        add(tokens, TokenKind.ID_TOKEN, authorization.getToken(OidcIdToken.class));
        OAuth2AuthorizationRequest request = authorization.getAttribute(OAuth2AuthorizationRequest.class.getName());
        return AuthorizationRecorded.newBuilder()
                .setAuthorizationId(authorization.getId())
                .setRegisteredClientId(authorization.getRegisteredClientId())
                .setPrincipalName(authorization.getPrincipalName())
                .setGrantType(authorization.getAuthorizationGrantType().getValue())
                .setAuthenticatedAt(authenticatedAt(authorization.getAttribute(Principal.class.getName())))
                .setAuthorizedScopes(List.copyOf(authorization.getAuthorizedScopes()))
                .setVersion(version)
                .setRequest(request == null ? null : AuthorizationRequestRecorded.newBuilder()
                        .setAuthorizationUri(request.getAuthorizationUri()).setClientId(request.getClientId())
                        .setRedirectUri(request.getRedirectUri()).setScopes(List.copyOf(request.getScopes()))
                        .setState(request.getState()).setAdditionalParameters(strings(request.getAdditionalParameters()))
                        .build())
                .setTokens(tokens)
                .setUsedRefreshTokens(usedRefreshTokens)
                .setRevokedAt(revokedAt)
                .build();
    }

    /**
     * @param presented a token value the caller presented (looked up by), which stands in clear for its own token in
     *                  the authorization it gets back (the revocation endpoint finds the token by value); or null
     */
    static OAuth2Authorization decode(AuthorizationRecorded recorded, RegisteredClient client, String presented) {
        String presentedHash = presented == null ? null : TokenHash.of(presented);
        OAuth2Authorization.Builder builder = OAuth2Authorization.withRegisteredClient(client)
                .id(recorded.getAuthorizationId())
                .principalName(recorded.getPrincipalName())
                .authorizationGrantType(new AuthorizationGrantType(recorded.getGrantType()))
                .authorizedScopes(new HashSet<>(recorded.getAuthorizedScopes()));
        if (!AuthorizationGrantType.CLIENT_CREDENTIALS.getValue().equals(recorded.getGrantType())) {
            // the subscriber who signed in, as the token generators need them (their name becomes the tokens' sub)
            builder.attribute(Principal.class.getName(), PhoneCodeAuthenticationProvider.signedIn(recorded.getPrincipalName(),
                    recorded.getAuthenticatedAt() == null ? Instant.EPOCH : recorded.getAuthenticatedAt()));
        }
        AuthorizationRequestRecorded request = recorded.getRequest();
        if (request != null) {
            builder.attribute(OAuth2AuthorizationRequest.class.getName(), OAuth2AuthorizationRequest.authorizationCode()
                    .authorizationUri(request.getAuthorizationUri()).clientId(request.getClientId())
                    .redirectUri(request.getRedirectUri()).scopes(new HashSet<>(request.getScopes()))
                    .state(request.getState()).additionalParameters(new LinkedHashMap<>(request.getAdditionalParameters()))
                    .build());
        }
        for (TokenRecorded token : recorded.getTokens()) {
            String value = token.getValueHash().equals(presentedHash) ? presented : TokenHash.standIn(token.getValueHash());
            Map<String, Object> claims = claims(token.getClaims());
            OAuth2Token restored = switch (token.getKind()) {
                case AUTHORIZATION_CODE -> new OAuth2AuthorizationCode(value, token.getIssuedAt(), token.getExpiresAt());
                case ACCESS_TOKEN -> new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, value, token.getIssuedAt(),
                        token.getExpiresAt(), new HashSet<>(token.getScopes()));
                case REFRESH_TOKEN -> new OAuth2RefreshToken(value, token.getIssuedAt(), token.getExpiresAt());
                case ID_TOKEN -> new OidcIdToken(value, token.getIssuedAt(), token.getExpiresAt(), claims);
                default -> null;
            };
            if (restored != null) {
                builder.token(restored, metadata -> {
                    metadata.put(OAuth2Authorization.Token.INVALIDATED_METADATA_NAME, token.getInvalidated()
                            || recorded.getRevokedAt() != null);
                    if (claims != null) {
                        metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, claims);
                    }
                });
            }
        }
        return builder.build();
    }

    /** When the principal proved who they are: the latest of their authentication factors. */
    private static Instant authenticatedAt(Object principal) {
        if (!(principal instanceof org.springframework.security.core.Authentication authentication)) {
            return null;
        }
        return authentication.getAuthorities().stream()
                .filter(authority -> authority instanceof FactorGrantedAuthority)
                .map(authority -> ((FactorGrantedAuthority) authority).getIssuedAt())
                .max(Instant::compareTo).orElse(null);
    }

    /** The hashes of the authorization's tokens, each with its kind. */
    static Map<String, TokenRecorded> tokensByHash(AuthorizationRecorded recorded) {
        Map<String, TokenRecorded> byHash = new LinkedHashMap<>();
        recorded.getTokens().forEach(token -> byHash.put(token.getValueHash(), token));
        return byHash;
    }

    private static void add(List<TokenRecorded> tokens, TokenKind kind, OAuth2Authorization.Token<? extends OAuth2Token> token) {
        if (token == null) {
            return;
        }
        OAuth2Token value = token.getToken();
        List<String> scopes = value instanceof OAuth2AccessToken access ? List.copyOf(access.getScopes()) : List.of();
        tokens.add(TokenRecorded.newBuilder().setKind(kind).setValueHash(TokenHash.forStorage(value.getTokenValue()))
                .setIssuedAt(value.getIssuedAt()).setExpiresAt(value.getExpiresAt()).setInvalidated(token.isInvalidated())
                .setScopes(scopes).setClaims(json(token.getClaims())).build());
    }

    private static Map<String, String> strings(Map<String, Object> parameters) {
        Map<String, String> strings = new LinkedHashMap<>();
        parameters.forEach((name, value) -> {
            if (value != null) {
                strings.put(name, String.valueOf(value));
            }
        });
        return strings;
    }

    private static String json(Map<String, Object> claims) {
        if (claims == null || claims.isEmpty()) {
            return null;
        }
        Map<String, Object> plain = new LinkedHashMap<>();
        claims.forEach((name, value) -> plain.put(name, plain(value)));
        try {
            return JSON.writeValueAsString(plain);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the claims of a token", e);
        }
    }

    /** Claims as JSON writes them plainly: instants as seconds of the epoch (as in a JWT), addresses as text. */
    private static Object plain(Object value) {
        if (value instanceof Instant instant) {
            return instant.getEpochSecond();
        }
        if (value instanceof URL url) {
            return url.toString();
        }
        if (value instanceof Collection<?> collection) {
            return collection.stream().map(AuthorizationCodec::plain).toList();
        }
        return value;
    }

    private static Map<String, Object> claims(String json) {
        if (json == null) {
            return null;
        }
        try {
            Map<String, Object> claims = JSON.readValue(json, CLAIMS);
            // times were written as epoch seconds (plain); the token's claims hold them as instants, as issued
            TIME_CLAIMS.forEach(name -> claims.computeIfPresent(name, (claim, value) ->
                    value instanceof Number seconds ? Instant.ofEpochSecond(seconds.longValue()) : value));
            return claims;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Cannot read the claims of a stored token", e);
        }
    }
}
