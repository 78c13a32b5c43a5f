package io.autotopup.topupctl;

import io.autotopup.topupctl.stack.ClientCredentials;
import picocli.CommandLine.Option;

/** Who topupctl is to the authorization server: a client with client credentials, scopes given to it there. */
public final class AuthOptions {

    /** What writing to topics (import, replay) needs: the same scope the operators' replay has everywhere. */
    static final String REPLAY_SCOPE = "topics:replay";

    @Option(names = "--auth-url", defaultValue = "${env:AUTH_ISSUER_URI:-http://127.0.0.1:9000}",
            description = "the authorization server (default $AUTH_ISSUER_URI, else ${DEFAULT-VALUE})")
    String authUrl;

    @Option(names = "--client-id", defaultValue = "${env:TOPUPCTL_CLIENT_ID:-topupctl}",
            description = "the client topupctl is, with client credentials (default $TOPUPCTL_CLIENT_ID, else ${DEFAULT-VALUE})")
    String clientId;

    @Option(names = "--client-secret", defaultValue = "${env:TOPUPCTL_CLIENT_SECRET}",
            description = "its secret (default $TOPUPCTL_CLIENT_SECRET; ./topupctl.sh reads the devstack's own)")
    String clientSecret;

    public ClientCredentials credentials() {
        return new ClientCredentials(authUrl, clientId, clientSecret);
    }
}
