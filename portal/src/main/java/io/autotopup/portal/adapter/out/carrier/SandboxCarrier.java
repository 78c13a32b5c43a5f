package io.autotopup.portal.adapter.out.carrier;

import io.autotopup.events.UsageRecorded;
import io.autotopup.events.UsageType;
import io.autotopup.portal.application.Carrier;
import io.autotopup.portal.domain.Money;
import io.autotopup.schemas.Topics;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The devstack's stand-in for a carrier's billing: a use of data credit published on usage-events, keyed by the
 * number, as the carrier's own producer would. Only where configured; a deployment has the real carrier.
 */
public final class SandboxCarrier implements Carrier, AutoCloseable {

    static final String CARRIER_ID = "sandbox-carrier";

    private final KafkaProducer<String, UsageRecorded> producer;

    public SandboxCarrier(String bootstrapServers) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "portal-sandbox-carrier");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        producer = new KafkaProducer<>(config, Topics.USAGE_EVENTS.keySerde().serializer(), Topics.USAGE_EVENTS.valueSerde().serializer());
    }

    @Override
    public String useCredit(String msisdn, Money amount) {
        String eventId = "portal-" + UUID.randomUUID();
        UsageRecorded usage = UsageRecorded.newBuilder().setEventId(eventId).setCarrierId(CARRIER_ID).setMsisdn(msisdn)
                .setUsageType(UsageType.DATA).setUnits(Math.max(1, amount.minorUnits() / 100)).setUnit("MB")
                .setCharge(io.autotopup.events.Money.newBuilder().setMinorUnits(amount.minorUnits()).setCurrency(amount.currency()).build())
                .setOccurredAt(Instant.now()).build();
        try {
            producer.send(new ProducerRecord<>(Topics.USAGE_EVENTS.name(), msisdn, usage)).get(10, TimeUnit.SECONDS);
            return eventId;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("The sandbox carrier's usage was not acknowledged by Kafka", e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
