package io.autotopup.topupctl.stack;

/** Where each part of a running stack answers. */
public record StackEndpoints(String kafkaBootstrap, String balanceUrl, String ruleEngineUrl, String paymentUrl,
        String notificationUrl, String gatewayUrl, String smsInboxUrl) {
}
