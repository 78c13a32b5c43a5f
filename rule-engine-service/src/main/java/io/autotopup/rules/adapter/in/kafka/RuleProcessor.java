package io.autotopup.rules.adapter.in.kafka;

import io.autotopup.events.AutoTopUpRuleSet;
import io.autotopup.events.BalanceChangeReason;
import io.autotopup.events.BalanceChanged;
import io.autotopup.events.PaymentMethodsChanged;
import io.autotopup.events.SubscriberRegistered;
import io.autotopup.events.SubscriberUpdated;
import io.autotopup.events.TopUpAsked;
import io.autotopup.events.TopUpCompleted;
import io.autotopup.events.TopUpFailed;
import io.autotopup.rules.domain.AutoTopUpAccount;
import io.autotopup.rules.domain.BalanceObservation;
import io.autotopup.rules.domain.Emission;
import io.autotopup.rules.domain.RulePolicy;
import io.autotopup.schemas.Topics;
import io.micrometer.core.instrument.Metrics;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Maps one subscriber's events to calls of {@link AutoTopUpAccount} and keeps it; no rules live here.
 * The time handed to the domain is the record's timestamp, never the clock.
 */
final class RuleProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    private final RulePolicy policy;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, AutoTopUpRuleSet> rules;
    private KeyValueStore<String, AutoTopUpAccount> accounts;
    private KeyValueStore<String, SpecificRecord> subscribers;

    RuleProcessor(RulePolicy policy) {
        this.policy = policy;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.rules = context.getStateStore(RuleTopology.RULES_STORE);
        this.accounts = context.getStateStore(RuleTopology.STATE_STORE);
        this.subscribers = context.getStateStore(RuleTopology.SUBSCRIBERS_STORE);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        String subscriberId = record.key();
        SpecificRecord value = record.value();
        Instant at = Instant.ofEpochMilli(record.timestamp());
        AutoTopUpAccount account = account(subscriberId);
        List<Emission> emissions = List.of();
        boolean fromRules = context.recordMetadata()
                .map(meta -> Topics.AUTO_TOP_UP_RULES.name().equals(meta.topic())).orElse(false);
        if (fromRules || value instanceof AutoTopUpRuleSet) {
            if (value == null) {
                rules.delete(subscriberId);
                account.onRuleDeleted();
            } else {
                rules.put(subscriberId, (AutoTopUpRuleSet) value);
                account.onRuleSet();
            }
        } else if (value instanceof SubscriberRegistered || value instanceof SubscriberUpdated) {
            subscribers.put(subscriberId, value);
            return;
        } else if (value instanceof PaymentMethodsChanged methods) {
            account.onPaymentMethodsChanged(methods.getMethods().stream()
                    .map(io.autotopup.events.PaymentMethod::getPaymentMethodId).collect(Collectors.toSet()));
        } else if (value instanceof BalanceChanged change) {
            emissions = account.onBalanceChanged(subscriberId, RuleMapping.toDomain(rules.get(subscriberId)),
                    new BalanceObservation(change.getEventId(), change.getNewBalance().getMinorUnits(),
                            change.getNewBalance().getCurrency(), change.getReason() == BalanceChangeReason.TOP_UP,
                            change.getCausationId(), change.getVersion()), at, policy);
        } else if (value instanceof TopUpAsked ask) {
            emissions = account.onTopUpAsked(subscriberId, RuleMapping.toDomain(rules.get(subscriberId)), ask.getAskId(),
                    ask.getAmount().getMinorUnits(), ask.getAmount().getCurrency(), ask.getPaymentMethodId(), at, policy);
        } else if (value instanceof TopUpCompleted completed) {
            account.onTopUpCompleted(completed.getRequestId(), at);
        } else if (value instanceof TopUpFailed failed) {
            emissions = account.onTopUpFailed(failed.getRequestId(), failed.getIsFinal(), failed.getReason().name(), at);
        } else {
            return;
        }
        accounts.put(subscriberId, account);
        for (Emission emission : emissions) {
            SpecificRecord event = RuleMapping.toEvent(subscriberId, emission, at);
            // autotopup_rule_emissions_total{event}: TopUpRequested, TopUpSkipped, LowBalanceWarning, AutoTopUpDisabled
            Metrics.counter("autotopup.rule.emissions", "event", event.getClass().getSimpleName()).increment();
            context.forward(new Record<>(subscriberId, event, record.timestamp(), record.headers()));
        }
    }

    private AutoTopUpAccount account(String subscriberId) {
        AutoTopUpAccount account = accounts.get(subscriberId);
        return account == null ? new AutoTopUpAccount() : account;
    }
}
