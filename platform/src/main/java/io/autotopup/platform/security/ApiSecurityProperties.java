package io.autotopup.platform.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who the APIs trust, under {@code autotopup.security}.
 *
 * @param issuers             the token issuers trusted at once: the autotopup authorization server, and a carrier's
 *                            own OIDC provider (Keycloak, ...) if it has one
 * @param authorizationServer the autotopup authorization server's address, shown in the OpenAPI documents
 * @param openApiDocs         whether the OpenAPI documents and Swagger UI answer without a token (the devstack)
 */
@ConfigurationProperties("autotopup.security")
public record ApiSecurityProperties(@DefaultValue List<Issuer> issuers, String authorizationServer,
        @DefaultValue("false") boolean openApiDocs) {

    /**
     * @param issuer      the {@code iss} of its tokens
     * @param jwkSetUri   where its signing keys are; if absent, found through its OIDC discovery document
     * @param audiences   the audiences a token of this issuer must name one of ({@code aud}): a token made for another
     *                    API of the same issuer is refused; {@value #AUDIENCE} by default, what ours puts in every
     *                    access token
     * @param subscribers whether this issuer's tokens may act as a subscriber (scope {@code subscriber}, the path's
     *                    subscriber id as {@code sub}): ours only; another issuer's {@code subscriber} scope is ignored
     */
    public record Issuer(String issuer, String jwkSetUri, @DefaultValue(AUDIENCE) List<String> audiences,
            @DefaultValue("false") boolean subscribers) {

        /** The audience of every access token our authorization server issues. */
        public static final String AUDIENCE = "autotopup";
    }
}
