package io.autotopup.topupctl.stack;

/**
 * Where each part of a running stack answers, and who the tools are to it.
 *
 * @param authUrl      the authorization server
 * @param clientId     the machine client the tools act as (client credentials): the carrier's provisioning and its operators
 * @param clientSecret its secret
 */
public record StackEndpoints(String kafkaBootstrap, String balanceUrl, String ruleEngineUrl, String paymentUrl,
        String notificationUrl, String gatewayUrl, String smsInboxUrl, String authUrl, String clientId, String clientSecret) {

    @Override
    public String toString() {
        return "StackEndpoints[kafka=" + kafkaBootstrap + ", balance=" + balanceUrl + ", auth=" + authUrl + ", client=" + clientId + "]";
    }
}
