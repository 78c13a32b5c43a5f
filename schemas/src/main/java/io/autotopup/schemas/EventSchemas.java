package io.autotopup.schemas;

import io.autotopup.events.AuthorizationRecorded;
import io.autotopup.events.AuthorizationTokenRecorded;
import io.autotopup.events.AutoTopUpDisabled;
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
import io.autotopup.events.PaymentDiscrepancyFound;
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
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Every published version of every event schema, looked up by the 64-bit fingerprint that Avro's
 * single-object encoding writes in front of each message.
 *
 * <p>Published versions live in {@code io/autotopup/schemas/published/<Event>/v<N>.avsc} on the class path.
 * The newest of them must equal the schema the classes were generated from, and each must be
 * compatible with the ones before it in both directions ({@code EventSchemasTest} checks both in the
 * build), so a record written with v1 still decodes after v2 exists and the other way round.
 */
public final class EventSchemas implements SchemaStore {

    /** Every event type of the catalogue, in no particular order. */
    public static final List<Class<? extends SpecificRecord>> EVENT_TYPES = List.of(
            UsageRecorded.class, SubscriberRegistered.class, SubscriberUpdated.class, BalanceChanged.class,
            AutoTopUpRuleSet.class, PaymentMethodsChanged.class, TopUpRequested.class, TopUpCompleted.class,
            TopUpFailed.class, SmsRequested.class, SmsSent.class, TopUpSkipped.class, AutoTopUpDisabled.class,
            LowBalanceWarning.class, BalanceAdjustmentRequested.class, VerificationCodeIssued.class,
            VerificationAttemptFailed.class, PaymentRecorded.class, SmsDeliveryReported.class, SubscriberNumberAssigned.class,
            VerificationCodeUsed.class, CodeRequested.class, AuthorizationRecorded.class, AuthorizationTokenRecorded.class,
            IdentityDocumentSubmitted.class, IdentityDocumentReviewed.class, IdentityDocumentErased.class,
            IdentityDocumentViewed.class, KycStatusChanged.class, PaymentDiscrepancyFound.class,
            TopUpAsked.class);

    private static final String EVENTS_PACKAGE = "io.autotopup.events.";
    private static final String PUBLISHED_ROOT = "io/autotopup/schemas/published/";
    private static final EventSchemas INSTANCE = new EventSchemas(EVENT_TYPES, PUBLISHED_ROOT);

    static {
        trustEventClasses();
    }

    private final String root;
    private final Map<Class<? extends SpecificRecord>, List<Schema>> versions = new LinkedHashMap<>();
    private final Map<Long, Schema> byFingerprint = new HashMap<>();
    private final Map<Long, Class<? extends SpecificRecord>> typeByFingerprint = new HashMap<>();

    /** A store of the given types' versions under another resource root; the catalogue's is {@link #instance()}. */
    EventSchemas(List<Class<? extends SpecificRecord>> types, String root) {
        this.root = root;
        for (Class<? extends SpecificRecord> type : types) {
            List<Schema> published = loadPublished(type);
            if (published.isEmpty()) {
                throw new IllegalStateException("No published schema for " + type.getSimpleName()
                        + ": add " + resourcePath(type, 1));
            }
            versions.put(type, Collections.unmodifiableList(published));
            for (Schema schema : published) {
                long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
                byFingerprint.put(fingerprint, schema);
                typeByFingerprint.put(fingerprint, type);
            }
        }
    }

    public static EventSchemas instance() {
        return INSTANCE;
    }

    /** Avro 1.12 refuses to instantiate classes it does not trust; ours are trusted, nothing else is added. */
    public static void trustEventClasses() {
        ClassSecurityValidator.ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
                current, type -> type.getName().startsWith(EVENTS_PACKAGE)));
    }

    /** Every published version of the event's schema, oldest first. */
    public List<Schema> versionsOf(Class<? extends SpecificRecord> type) {
        List<Schema> published = versions.get(type);
        if (published == null) {
            throw new IllegalArgumentException(type.getName() + " is not an event of the catalogue");
        }
        return published;
    }

    /** The schema the event classes were generated from (the newest published version). */
    public static Schema currentSchemaOf(Class<? extends SpecificRecord> type) {
        return SpecificData.get().getSchema(type);
    }

    @Override
    public Schema findByFingerprint(long fingerprint) {
        return byFingerprint.get(fingerprint);
    }

    /** The event type whose published schema has this fingerprint, or null. */
    public Class<? extends SpecificRecord> typeOf(long fingerprint) {
        return typeByFingerprint.get(fingerprint);
    }

    String resourcePath(Class<?> type, int version) {
        return root + type.getSimpleName() + "/v" + version + ".avsc";
    }

    private List<Schema> loadPublished(Class<? extends SpecificRecord> type) {
        List<Schema> published = new ArrayList<>();
        ClassLoader loader = EventSchemas.class.getClassLoader();
        for (int version = 1; ; version++) {
            try (InputStream in = loader.getResourceAsStream(resourcePath(type, version))) {
                if (in == null) {
                    return published;
                }
                published.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + resourcePath(type, version), e);
            }
        }
    }
}
