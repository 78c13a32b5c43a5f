package io.autotopup.platform.security;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.security.OAuthFlow;
import io.swagger.v3.oas.models.security.OAuthFlows;
import io.swagger.v3.oas.models.security.Scopes;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.GlobalOpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.web.method.HandlerMethod;

/**
 * Writes each operation's {@link Access} rule into the OpenAPI document: as security requirements of the
 * {@value #SCHEME} scheme (the subscriber's own token as scope {@value Access#SUBSCRIBER_SCOPE}, any of which
 * suffices), and whole in the extension {@value #EXTENSION}, which the generated access tests read.
 */
public final class AccessDocumentation implements OperationCustomizer, GlobalOpenApiCustomizer {

    public static final String SCHEME = "oauth2";
    public static final String EXTENSION = "x-autotopup-access";

    private final String authorizationServer;

    public AccessDocumentation(String authorizationServer) {
        this.authorizationServer = authorizationServer == null ? "" : authorizationServer.replaceAll("/+$", "");
    }

    @Override
    public Operation customize(Operation operation, HandlerMethod handlerMethod) {
        Access access = handlerMethod.getMethodAnnotation(Access.class);
        if (access == null) {
            return operation;
        }
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("open", access.open());
        rule.put("owner", access.owner());
        rule.put("scopes", List.of(access.scopes()));
        operation.addExtension(EXTENSION, rule);
        List<SecurityRequirement> requirements = new ArrayList<>();
        if (!access.open()) {
            if (access.owner()) {
                requirements.add(new SecurityRequirement().addList(SCHEME, Access.SUBSCRIBER_SCOPE));
            }
            Arrays.stream(access.scopes()).forEach(scope -> requirements.add(new SecurityRequirement().addList(SCHEME, scope)));
        }
        operation.setSecurity(requirements);
        return operation;
    }

    @Override
    public void customise(OpenAPI openApi) {
        Scopes scopes = new Scopes()
                .addString(Access.SUBSCRIBER_SCOPE, "a subscriber's own data (the path's subscriberId is the token's sub)")
                .addString(io.autotopup.platform.security.Scopes.BALANCE_ADJUST, "credit or debit balances, opening balances")
                .addString(io.autotopup.platform.security.Scopes.SUBSCRIBERS_READ, "read any subscriber")
                .addString(io.autotopup.platform.security.Scopes.PAYMENTS_READ, "read payments")
                .addString(io.autotopup.platform.security.Scopes.SIGN_IN, "one-time sign-in codes (the authorization server)");
        OAuthFlows flows = new OAuthFlows()
                .authorizationCode(new OAuthFlow().authorizationUrl(authorizationServer + "/oauth2/authorize")
                        .tokenUrl(authorizationServer + "/oauth2/token").scopes(scopes))
                .clientCredentials(new OAuthFlow().tokenUrl(authorizationServer + "/oauth2/token").scopes(scopes));
        if (openApi.getComponents() == null) {
            openApi.setComponents(new Components());
        }
        openApi.getComponents().addSecuritySchemes(SCHEME, new SecurityScheme().type(SecurityScheme.Type.OAUTH2)
                .description("JWT access tokens from a trusted issuer; subscribers sign in with a texted code")
                .flows(flows));
    }
}
