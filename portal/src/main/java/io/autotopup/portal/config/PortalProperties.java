package io.autotopup.portal.config;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The portal's settings ({@code autotopup.portal}).
 *
 * @param publicUrl      the portal's own address as browsers reach it (where the authorization server sends them back)
 * @param auth           the authorization server and the portal's client there
 * @param balanceUrl     balance-service
 * @param ruleEngineUrl  rule-engine-service
 * @param paymentUrl     payment-service
 * @param notificationUrl notification-service
 * @param kycUrl         kyc-service (identity documents)
 * @param gatewayUrl     the payment gateway's address as browsers reach it: it serves the card field and wallet pages
 * @param secureCookies  cookies only over HTTPS (production, behind TLS); off for a laptop's plain-http devstack
 * @param sandboxCarrier the devstack's stand-in for the carrier's billing, for "use some credit"
 * @param support        the carrier's customer care, shown with every failure and error
 */
@ConfigurationProperties("autotopup.portal")
public record PortalProperties(String publicUrl, Auth auth, String balanceUrl, String ruleEngineUrl, String paymentUrl, String notificationUrl,
        String kycUrl, String gatewayUrl, @DefaultValue("true") boolean secureCookies, @DefaultValue SandboxCarrier sandboxCarrier,
        @DefaultValue Support support) {

    /**
     * The carrier's customer care, as subscribers reach it: who (its name as subscribers know it), a number to call and
     * a web page, either of which may be left out; with neither, no contact is shown.
     */
    public record Support(@DefaultValue("your carrier") String name, String phone, String url) {
        public boolean given() {
            return phone != null && !phone.isBlank() || url != null && !url.isBlank();
        }

        /** The number as a tel: link takes it: its digits and a leading plus. */
        public String dialable() {
            return phone == null ? "" : phone.replaceAll("[^0-9+]", "");
        }
    }

    /**
     * @param issuer       the issuer as browsers reach it (and as its tokens name it)
     * @param internalUrl  where the portal itself reaches it for tokens, keys and revocation (default: the issuer)
     * @param clientId     the portal's client id
     * @param clientSecret its secret
     */
    public record Auth(String issuer, String internalUrl, @DefaultValue("autotopup-portal") String clientId, String clientSecret) {
        public String backChannel() {
            return internalUrl == null || internalUrl.isBlank() ? issuer : internalUrl;
        }
    }

    /**
     * @param enabled          show "use some credit" and publish usage for the signed-in number, as the carrier would
     * @param bootstrapServers the Kafka the usage goes to
     */
    public record SandboxCarrier(@DefaultValue("false") boolean enabled, String bootstrapServers) {
    }

    /** The gateway's origin (scheme, host and port), which may frame-in its card field and take wallet approvals. */
    public String gatewayOrigin() {
        URI uri = URI.create(gatewayUrl);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    public String authOrigin() {
        URI uri = URI.create(auth.issuer());
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }
}
