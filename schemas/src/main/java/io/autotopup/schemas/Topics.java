package io.autotopup.schemas;

import io.autotopup.events.AuthorizationRecorded;
import io.autotopup.events.AuthorizationTokenRecorded;
import io.autotopup.events.AutoTopUpDisabled;
import io.autotopup.events.PaymentDiscrepancyFound;
import io.autotopup.events.AutoTopUpRuleSet;
import io.autotopup.events.BalanceAdjustmentRequested;
import io.autotopup.events.BalanceChanged;
import io.autotopup.events.CodeRequested;
import io.autotopup.events.IdentityDocumentErased;
import io.autotopup.events.IdentityDocumentReviewed;
import io.autotopup.events.IdentityDocumentSubmitted;
import io.autotopup.events.IdentityDocumentViewed;
import io.autotopup.events.KycStatusChanged;
import io.autotopup.events.LowBalanceWarning;
import io.autotopup.events.PaymentMethodsChanged;
import io.autotopup.events.PaymentRecorded;
import io.autotopup.events.SmsDeliveryReported;
import io.autotopup.events.SmsRequested;
import io.autotopup.events.SmsSent;
import io.autotopup.events.SubscriberNumberAssigned;
import io.autotopup.events.SubscriberRegistered;
import io.autotopup.events.SubscriberUpdated;
import io.autotopup.events.TopUpAsked;
import io.autotopup.events.TopUpCompleted;
import io.autotopup.events.TopUpFailed;
import io.autotopup.events.TopUpRequested;
import io.autotopup.events.TopUpSkipped;
import io.autotopup.events.UsageRecorded;
import io.autotopup.events.VerificationAttemptFailed;
import io.autotopup.events.VerificationCodeIssued;
import io.autotopup.events.VerificationCodeUsed;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topic catalogue. Every service names topics through these constants, never through literals.
 * All topics have the same number of partitions so that topics keyed by subscriber id are co-partitioned
 * and Kafka Streams can join them.
 */
public final class Topics {

    /** Partitions of every catalogue topic; a change needs a migration, since keys would move. */
    public static final int PARTITIONS = 3;

    /**
     * The partition of a catalogue topic that a record keyed {@code key} goes to from a Java producer (Kafka's default
     * partitioner: murmur2 of the key's UTF-8 bytes), which is also where Kafka Streams' repartition topics put it: the
     * partition whose task owns a subscriber's ledger, for the subscriber's id.
     */
    public static int partitionOf(String key) {
        return org.apache.kafka.common.utils.Utils.toPositive(
                org.apache.kafka.common.utils.Utils.murmur2(key.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % PARTITIONS;
    }

    private static final Serde<String> KEY = Serdes.String();

    /** Logs that are the audit trail of what happened (ledger changes, top-ups, texts) are kept this long. */
    public static final Duration AUDIT_TRAIL = Duration.ofDays(30);

    /** Rated usage from carrier billing systems, key = MSISDN (E.164). */
    public static final Topic<String, UsageRecorded> USAGE_EVENTS =
            Topic.log("usage-events", KEY, AvroSerde.of(UsageRecorded.class), Duration.ofDays(7));

    /** Subscriber accounts (latest state per subscriber), key = subscriber id. */
    public static final Topic<String, SpecificRecord> SUBSCRIBERS = Topic.compacted("subscribers", KEY,
            AvroSerde.anyOf(SubscriberRegistered.class, SubscriberUpdated.class));

    /** Every applied ledger change, key = subscriber id. */
    public static final Topic<String, BalanceChanged> BALANCE_CHANGES =
            Topic.log("balance-changes", KEY, AvroSerde.of(BalanceChanged.class), AUDIT_TRAIL);

    /**
     * The directory from MSISDN to subscriber (latest per number), key = MSISDN. Written by balance-service's
     * ledger for every registered number and read whole by every instance, so that usage is resolved on
     * whatever partition a carrier's producer put it.
     */
    public static final Topic<String, SubscriberNumberAssigned> SUBSCRIBER_NUMBERS =
            Topic.compacted("subscriber-numbers", KEY, AvroSerde.of(SubscriberNumberAssigned.class));

    /** One-time codes issued (sealed), wrong attempts and codes used, key = subscriber id; short retention. */
    public static final Topic<String, SpecificRecord> SUBSCRIBER_VERIFICATIONS = Topic.log("subscriber-verifications", KEY,
            AvroSerde.anyOf(VerificationCodeIssued.class, VerificationAttemptFailed.class, VerificationCodeUsed.class),
            Duration.ofDays(1));

    /** Codes texted per client address (its HMAC), counted by every instance against the hourly limit; kept two hours. */
    public static final Topic<String, CodeRequested> CODE_REQUESTS =
            Topic.log("code-requests", KEY, AvroSerde.of(CodeRequested.class), Duration.ofHours(2));

    /** Operator adjustments of balances (credit or debit, once per adjustment id), key = subscriber id. */
    public static final Topic<String, BalanceAdjustmentRequested> BALANCE_ADJUSTMENTS =
            Topic.log("balance-adjustments", KEY, AvroSerde.of(BalanceAdjustmentRequested.class), AUDIT_TRAIL);

    /** Auto top-up rules (latest per subscriber; a tombstone removes it), key = subscriber id. */
    public static final Topic<String, AutoTopUpRuleSet> AUTO_TOP_UP_RULES =
            Topic.compacted("auto-top-up-rules", KEY, AvroSerde.of(AutoTopUpRuleSet.class));

    /** Bound payment methods (latest list per subscriber), key = subscriber id. */
    public static final Topic<String, PaymentMethodsChanged> PAYMENT_METHODS =
            Topic.compacted("payment-methods", KEY, AvroSerde.of(PaymentMethodsChanged.class));

    /** How each top-up request was settled (attempts and outcome), key = request id; compacted, kept for good. */
    public static final Topic<String, PaymentRecorded> PAYMENTS =
            Topic.compacted("payments", KEY, AvroSerde.of(PaymentRecorded.class));

    /**
     * What payment reconciliation found (charges without outcomes, outcomes without charges, amounts that differ) and
     * whether it repaired it, key = discrepancy id; kept as an audit trail.
     */
    public static final Topic<String, PaymentDiscrepancyFound> PAYMENT_RECONCILIATION =
            Topic.log("payment-reconciliation", KEY, AvroSerde.of(PaymentDiscrepancyFound.class), AUDIT_TRAIL);

    /** Top-ups the rule engine asks for, key = subscriber id. */
    public static final Topic<String, TopUpRequested> TOP_UP_REQUESTS =
            Topic.log("top-up-requests", KEY, AvroSerde.of(TopUpRequested.class), AUDIT_TRAIL);

    /**
     * Top-ups subscribers ask for themselves (Top up now), key = subscriber id: the rule engine answers each under the
     * same one-in-flight rule and caps as its own.
     */
    public static final Topic<String, TopUpAsked> TOP_UP_ASKS =
            Topic.log("top-up-asks", KEY, AvroSerde.of(TopUpAsked.class), AUDIT_TRAIL);

    /** Payment outcomes, one topic so that a subscriber's outcomes stay in order, key = subscriber id. */
    public static final Topic<String, SpecificRecord> TOP_UP_OUTCOMES = Topic.log("top-up-outcomes", KEY,
            AvroSerde.anyOf(TopUpCompleted.class, TopUpFailed.class), AUDIT_TRAIL);

    /** What was texted to whom (requested, sent, delivery receipts), key = subscriber id. */
    public static final Topic<String, SpecificRecord> NOTIFICATIONS = Topic.log("notifications", KEY,
            AvroSerde.anyOf(SmsRequested.class, SmsSent.class, SmsDeliveryReported.class), AUDIT_TRAIL);

    /** What the rule engine tells subscribers besides top-ups (cap reached, disabled, low balance), key = subscriber id. */
    public static final Topic<String, SpecificRecord> AUTO_TOP_UP_NOTICES = Topic.log("auto-top-up-notices", KEY,
            AvroSerde.anyOf(TopUpSkipped.class, AutoTopUpDisabled.class, LowBalanceWarning.class), AUDIT_TRAIL);

    /**
     * The authorization server's authorizations (sign-ins, their refresh tokens and the clients' tokens, every token
     * as a hash), latest per authorization id; a tombstone removes one.
     */
    public static final Topic<String, AuthorizationRecorded> AUTH_AUTHORIZATIONS =
            Topic.compacted("auth-authorizations", KEY, AvroSerde.of(AuthorizationRecorded.class));

    /** Which authorization each token belongs to, key = the token's hash; a tombstone removes one. */
    public static final Topic<String, AuthorizationTokenRecorded> AUTH_TOKENS =
            Topic.compacted("auth-tokens", KEY, AvroSerde.of(AuthorizationTokenRecorded.class));

    /**
     * Identity documents submitted, reviewed and erased (references, hashes and decisions; never an image), key =
     * subscriber id. Kept for good: the decision and the hashes outlive the images.
     */
    public static final Topic<String, SpecificRecord> IDENTITY_DOCUMENTS = Topic.log("identity-documents", KEY,
            AvroSerde.anyOf(IdentityDocumentSubmitted.class, IdentityDocumentReviewed.class, IdentityDocumentErased.class),
            Topic.FOREVER);

    /** Who looked at which identity document, when, key = subscriber id: kept a year. */
    public static final Topic<String, IdentityDocumentViewed> KYC_AUDIT = Topic.log("kyc-audit", KEY,
            AvroSerde.of(IdentityDocumentViewed.class), Duration.ofDays(365));

    /** Each subscriber's identity check as it stands (NONE, PENDING, VERIFIED, REJECTED), key = subscriber id. */
    public static final Topic<String, KycStatusChanged> KYC_STATUSES =
            Topic.compacted("kyc-statuses", KEY, AvroSerde.of(KycStatusChanged.class));

    /** Every topic of the catalogue. */
    public static final List<Topic<String, ?>> ALL = List.of(USAGE_EVENTS, SUBSCRIBERS, SUBSCRIBER_NUMBERS, SUBSCRIBER_VERIFICATIONS, CODE_REQUESTS, BALANCE_ADJUSTMENTS, BALANCE_CHANGES,
            AUTO_TOP_UP_RULES, PAYMENT_METHODS, PAYMENTS, PAYMENT_RECONCILIATION, TOP_UP_ASKS, TOP_UP_REQUESTS, TOP_UP_OUTCOMES, AUTO_TOP_UP_NOTICES, NOTIFICATIONS,
            AUTH_AUTHORIZATIONS, AUTH_TOKENS, IDENTITY_DOCUMENTS, KYC_AUDIT, KYC_STATUSES);

    /**
     * Every topic of the catalogue and its dead-letter topic, as each service creates them at start: {@link #PARTITIONS}
     * partitions, the topic's own log settings, dead letters kept {@link Topic#DEAD_LETTER_RETENTION}.
     */
    public static List<NewTopic> newTopics(short replicationFactor) {
        List<NewTopic> topics = new java.util.ArrayList<>();
        for (Topic<String, ?> topic : ALL) {
            topics.add(new NewTopic(topic.name(), PARTITIONS, replicationFactor).configs(topic.configs()));
            topics.add(new NewTopic(topic.deadLetterTopic(), PARTITIONS, replicationFactor)
                    .configs(Topic.logConfigs(Topic.DEAD_LETTER_RETENTION)));
        }
        return topics;
    }

    private Topics() {
    }
}
