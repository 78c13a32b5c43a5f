package io.autotopup.rules.adapter.out.kafka;

import io.autotopup.events.AutoTopUpRuleSet;
import io.autotopup.rules.adapter.in.kafka.RuleMapping;
import io.autotopup.rules.application.RuleEvents;
import io.autotopup.rules.domain.AutoTopUpRule;
import java.time.Instant;
import io.autotopup.platform.kafka.Acknowledged;
import org.springframework.kafka.core.KafkaTemplate;

/** Publishes rules on the compacted {@code auto-top-up-rules} topic; a delete is a tombstone. */
public final class KafkaRuleEvents implements RuleEvents {

    private final KafkaTemplate<String, AutoTopUpRuleSet> rules;

    public KafkaRuleEvents(KafkaTemplate<String, AutoTopUpRuleSet> rules) {
        this.rules = rules;
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
