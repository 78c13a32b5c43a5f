package io.autotopup.balance.adapter.out.kafka;

import io.autotopup.balance.application.SubscriberDirectory;
import io.autotopup.balance.application.VerifySubscriber;
import io.autotopup.events.Language;
import io.autotopup.events.SubscriberStatus;
import io.autotopup.events.SubscriberUpdated;
import io.autotopup.events.VerificationAttemptFailed;
import io.autotopup.events.CodeRequested;
import io.autotopup.events.VerificationCodeIssued;
import io.autotopup.events.VerificationCodeUsed;
import io.autotopup.schemas.Topics;
import java.time.Instant;
import java.util.Locale;
import org.apache.avro.specific.SpecificRecord;
import io.autotopup.platform.kafka.Acknowledged;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Codes, wrong attempts and codes used on {@code subscriber-verifications}; who asked for a code on
 * {@code code-requests} (the address's HMAC); activation on {@code subscribers}.
 */
public final class KafkaVerificationEvents implements VerifySubscriber.VerificationEvents {

    private final KafkaTemplate<String, SpecificRecord> verifications;
    private final KafkaTemplate<String, SpecificRecord> subscribers;

    private final KafkaTemplate<String, CodeRequested> requests;

    public KafkaVerificationEvents(KafkaTemplate<String, SpecificRecord> verifications,
            KafkaTemplate<String, SpecificRecord> subscribers, KafkaTemplate<String, CodeRequested> requests) {
        this.verifications = verifications;
        this.subscribers = subscribers;
        this.requests = requests;
    }

    @Override
    public void codeIssued(String subscriberId, String msisdn, String language, String sealedCode, String codeHash,
            Instant issuedAt, Instant expiresAt, String requestedFrom, String foreignCountryCode) {
        if (requestedFrom != null) {
            Acknowledged.await(requests.send(Topics.CODE_REQUESTS.name(), requestedFrom, CodeRequested.newBuilder()
                    .setRequestedFrom(requestedFrom).setSubscriberId(subscriberId).setRequestedAt(issuedAt)
                    .setCountryCode(foreignCountryCode).build()),
                    Topics.CODE_REQUESTS.name());
        }
        send(verifications, Topics.SUBSCRIBER_VERIFICATIONS.name(), subscriberId, VerificationCodeIssued.newBuilder()
                .setSubscriberId(subscriberId).setMsisdn(msisdn).setLanguage(Language.valueOf(language.toUpperCase(Locale.ROOT)))
                .setSealedCode(sealedCode).setCodeHash(codeHash).setIssuedAt(issuedAt).setExpiresAt(expiresAt).build());
    }

    @Override
    public void codeUsed(String subscriberId, Instant at) {
        send(verifications, Topics.SUBSCRIBER_VERIFICATIONS.name(), subscriberId,
                VerificationCodeUsed.newBuilder().setSubscriberId(subscriberId).setUsedAt(at).build());
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
