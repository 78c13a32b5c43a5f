package io.autotopup.balance.adapter.out.kafka;

import static io.autotopup.schemas.Events.money;

import io.autotopup.balance.application.RegisterSubscriberCommand;
import io.autotopup.balance.application.SubscriberEvents;
import io.autotopup.events.Language;
import io.autotopup.events.SubscriberRegistered;
import io.autotopup.events.SubscriberUpdated;
import io.autotopup.balance.application.SubscriberDirectory;
import io.autotopup.events.SubscriberStatus;
import java.time.Instant;
import java.util.Locale;
import org.apache.avro.specific.SpecificRecord;
import io.autotopup.platform.kafka.Acknowledged;
import org.springframework.kafka.core.KafkaTemplate;

/** Publishes registrations, and the subscriber's later changes, on the compacted {@code subscribers} topic. */
public final class KafkaSubscriberEvents implements SubscriberEvents {

    private final KafkaTemplate<String, SpecificRecord> subscribers;

    public KafkaSubscriberEvents(KafkaTemplate<String, SpecificRecord> subscribers) {
        this.subscribers = subscribers;
    }

    /**
     * A random id on the partition of the number (about {@value io.autotopup.schemas.Topics#PARTITIONS} draws): usage
     * that a carrier keys by the number and partitions as Java does then arrives on the partition whose task keeps the
     * subscriber's ledger, and is applied there without a trip through the repartition topic (docs/ledger.md).
     */
    @Override
    public String newSubscriberId(String msisdn) {
        int partition = io.autotopup.schemas.Topics.partitionOf(msisdn);
        while (true) {
            String id = java.util.UUID.randomUUID().toString();
            if (io.autotopup.schemas.Topics.partitionOf(id) == partition) {
                return id;
            }
        }
    }

    @Override
    public void registered(String subscriberId, RegisterSubscriberCommand command) {
        SubscriberRegistered event = SubscriberRegistered.newBuilder()
                .setSubscriberId(subscriberId)
                .setMsisdn(command.msisdn())
                .setCurrency(command.currency())
                .setLanguage(Language.valueOf(command.language().toUpperCase(Locale.ROOT)))
                .setStatus(SubscriberStatus.PENDING_VERIFICATION)
                .setOpeningBalance(command.openingBalance() == 0 ? null : money(command.openingBalance(), command.currency()))
                .setIccid(command.iccid())
                .setRegisteredAt(Instant.now())
                .build();
        Acknowledged.await(subscribers.sendDefault(subscriberId, event), "the registration");
    }

    @Override
    public void languageChosen(SubscriberDirectory.SubscriberProfile subscriber, String language) {
        SubscriberUpdated event = SubscriberUpdated.newBuilder().setSubscriberId(subscriber.subscriberId())
                .setMsisdn(subscriber.msisdn()).setCurrency(subscriber.currency())
                .setLanguage(Language.valueOf(language.toUpperCase(Locale.ROOT)))
                .setStatus(SubscriberStatus.valueOf(subscriber.status())).setUpdatedAt(Instant.now()).build();
        Acknowledged.await(subscribers.sendDefault(subscriber.subscriberId(), event), "the subscriber's language");
    }
}
