package io.autotopup.rules.adapter.out.kafka;

import io.autotopup.events.AutoTopUpRuleSet;
import io.autotopup.events.Money;
import io.autotopup.events.TopUpAsked;
import io.autotopup.rules.adapter.in.kafka.RuleMapping;
import io.autotopup.rules.application.RuleEvents;
import io.autotopup.rules.domain.AutoTopUpRule;
import java.time.Instant;
import io.autotopup.platform.kafka.Acknowledged;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes rules on the compacted {@code auto-top-up-rules} topic (a delete is a tombstone) and the top-ups subscribers
 * ask for on {@code top-up-asks}.
 */
public final class KafkaRuleEvents implements RuleEvents {

    private final KafkaTemplate<String, AutoTopUpRuleSet> rules;
    private final KafkaTemplate<String, TopUpAsked> asks;

    public KafkaRuleEvents(KafkaTemplate<String, AutoTopUpRuleSet> rules, KafkaTemplate<String, TopUpAsked> asks) {
        this.rules = rules;
        this.asks = asks;
    }

    @Override
    public void topUpAsked(String subscriberId, String askId, long amount, String currency, String paymentMethodId) {
        Acknowledged.await(asks.sendDefault(subscriberId, TopUpAsked.newBuilder().setAskId(askId).setSubscriberId(subscriberId)
                .setAmount(new Money(amount, currency)).setPaymentMethodId(paymentMethodId).setAskedAt(Instant.now()).build()),
                "the top-up asked for");
    }

    @Override
    public void ruleSet(String subscriberId, AutoTopUpRule rule) {
        send(subscriberId, RuleMapping.toEvent(subscriberId, rule, Instant.now()));
    }

    @Override
    public void ruleDeleted(String subscriberId) {
        send(subscriberId, null);
    }

    private void send(String subscriberId, AutoTopUpRuleSet value) {
        Acknowledged.await(rules.sendDefault(subscriberId, value), "the rule");
    }
}
