package io.autotopup.rules.adapter.in.kafka;

import static io.autotopup.schemas.Events.money;

import io.autotopup.events.AutoTopUpRuleSet;
import io.autotopup.events.BalanceChangeReason;
import io.autotopup.events.BalanceChanged;
import io.autotopup.events.SubscriberRegistered;
import io.autotopup.events.SubscriberUpdated;
import io.autotopup.events.TopUpCompleted;
import io.autotopup.events.TopUpFailed;
import io.autotopup.events.TopUpRequested;
import io.autotopup.rules.domain.BalanceObservation;
import io.autotopup.rules.domain.RuleEngine;
import io.autotopup.rules.domain.TopUpDecision;
import io.autotopup.rules.domain.TopUpState;
import io.autotopup.schemas.Topics;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Maps the events of one subscriber to calls of the rule engine and keeps its state; no rules live here. */
final class RuleProcessor implements Processor<String, SpecificRecord, String, TopUpRequested> {

    private ProcessorContext<String, TopUpRequested> context;
    private KeyValueStore<String, AutoTopUpRuleSet> rules;
    private KeyValueStore<String, TopUpState> states;
    private KeyValueStore<String, SpecificRecord> accounts;

    @Override
    public void init(ProcessorContext<String, TopUpRequested> context) {
        this.context = context;
        this.rules = context.getStateStore(RuleTopology.RULES_STORE);
        this.states = context.getStateStore(RuleTopology.STATE_STORE);
        this.accounts = context.getStateStore(RuleTopology.ACCOUNTS_STORE);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        String subscriberId = record.key();
        SpecificRecord value = record.value();
        boolean fromRules = context.recordMetadata()
                .map(meta -> Topics.AUTO_TOP_UP_RULES.name().equals(meta.topic())).orElse(false);
        if (fromRules || value instanceof AutoTopUpRuleSet) {
            onRule(subscriberId, (AutoTopUpRuleSet) value);
        } else if (value instanceof SubscriberRegistered || value instanceof SubscriberUpdated) {
            accounts.put(subscriberId, value);
        } else if (value instanceof BalanceChanged change) {
            onBalanceChanged(record, subscriberId, change);
        } else if (value instanceof TopUpFailed failed) {
            states.put(subscriberId, RuleEngine.onTopUpFailed(state(subscriberId), failed.getRequestId(),
                    failed.getIsFinal(), failed.getReason().name()));
        } else if (value instanceof TopUpCompleted) {
            // The request stays in flight until its credit arrives as a balance change.
        }
    }

    private void onRule(String subscriberId, AutoTopUpRuleSet rule) {
        if (rule == null) {
            rules.delete(subscriberId);
        } else {
            rules.put(subscriberId, rule);
        }
        states.put(subscriberId, RuleEngine.onRuleSet(state(subscriberId)));
    }

    private void onBalanceChanged(Record<String, SpecificRecord> record, String subscriberId, BalanceChanged change) {
        BalanceObservation observation = new BalanceObservation(change.getEventId(),
                change.getNewBalance().getMinorUnits(), change.getNewBalance().getCurrency(),
                change.getReason() == BalanceChangeReason.TOP_UP, change.getCausationId(), change.getVersion());
        TopUpDecision decision = RuleEngine.onBalanceChanged(subscriberId, RuleMapping.toDomain(rules.get(subscriberId)),
                state(subscriberId), observation);
        states.put(subscriberId, decision.state());
        if (decision.request() != null) {
            TopUpDecision.TopUpRequest request = decision.request();
            context.forward(new Record<>(subscriberId, TopUpRequested.newBuilder()
                    .setRequestId(request.requestId())
                    .setSubscriberId(subscriberId)
                    .setAmount(money(request.amount(), request.currency()))
                    .setPaymentMethodId(request.paymentMethodId())
                    .setTriggeringEventId(request.triggeringEventId())
                    .setRequestedAt(Instant.ofEpochMilli(record.timestamp()))
                    .build(), record.timestamp()));
        }
    }

    private TopUpState state(String subscriberId) {
        TopUpState state = states.get(subscriberId);
        return state == null ? TopUpState.INITIAL : state;
    }
}
