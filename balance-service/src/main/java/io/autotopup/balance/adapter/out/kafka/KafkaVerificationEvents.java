package io.autotopup.balance.adapter.out.kafka;

import io.autotopup.balance.application.SubscriberDirectory;
import io.autotopup.balance.application.VerifySubscriber;
import io.autotopup.events.Language;
import io.autotopup.events.SubscriberStatus;
import io.autotopup.events.SubscriberUpdated;
import io.autotopup.events.VerificationAttemptFailed;
import io.autotopup.events.VerificationCodeIssued;
import io.autotopup.schemas.Topics;
import java.time.Instant;
import java.util.Locale;
import org.apache.avro.specific.SpecificRecord;
import io.autotopup.platform.kafka.Acknowledged;
import org.springframework.kafka.core.KafkaTemplate;

/** Codes and wrong attempts on {@code subscriber-verifications}; activation on {@code subscribers}. */
public final class KafkaVerificationEvents implements VerifySubscriber.VerificationEvents {

    private final KafkaTemplate<String, SpecificRecord> verifications;
    private final KafkaTemplate<String, SpecificRecord> subscribers;

    public KafkaVerificationEvents(KafkaTemplate<String, SpecificRecord> verifications,
            KafkaTemplate<String, SpecificRecord> subscribers) {
        this.verifications = verifications;
        this.subscribers = subscribers;
    }

    @Override
    public void codeIssued(String subscriberId, String msisdn, String language, String sealedCode, String codeHash,
            Instant issuedAt, Instant expiresAt) {
        send(verifications, Topics.SUBSCRIBER_VERIFICATIONS.name(), subscriberId, VerificationCodeIssued.newBuilder()
                .setSubscriberId(subscriberId).setMsisdn(msisdn).setLanguage(Language.valueOf(language.toUpperCase(Locale.ROOT)))
                .setSealedCode(sealedCode).setCodeHash(codeHash).setIssuedAt(issuedAt).setExpiresAt(expiresAt).build());
    }

    @Override
    public void attemptFailed(String subscriberId, Instant at) {
        send(verifications, Topics.SUBSCRIBER_VERIFICATIONS.name(), subscriberId,
                VerificationAttemptFailed.newBuilder().setSubscriberId(subscriberId).setAttemptedAt(at).build());
    }

    @Override
    public void activated(SubscriberDirectory.SubscriberProfile subscriber) {
        send(subscribers, Topics.SUBSCRIBERS.name(), subscriber.subscriberId(), SubscriberUpdated.newBuilder()
                .setSubscriberId(subscriber.subscriberId()).setMsisdn(subscriber.msisdn()).setCurrency(subscriber.currency())
                .setLanguage(Language.valueOf(subscriber.language().toUpperCase(Locale.ROOT)))
                .setStatus(SubscriberStatus.ACTIVE).setUpdatedAt(Instant.now()).build());
    }

    private static void send(KafkaTemplate<String, SpecificRecord> template, String topic, String key, SpecificRecord value) {
        Acknowledged.await(template.send(topic, key, value), topic);
    }
}
