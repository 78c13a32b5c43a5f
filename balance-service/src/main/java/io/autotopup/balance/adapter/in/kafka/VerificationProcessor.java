package io.autotopup.balance.adapter.in.kafka;

import io.autotopup.balance.domain.Verification;
import io.autotopup.events.VerificationAttemptFailed;
import io.autotopup.events.VerificationCodeIssued;
import io.autotopup.events.VerificationCodeUsed;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps each subscriber's current one-time code (as a hash), its expiry, the wrong attempts and the codes of the last hour. */
final class VerificationProcessor implements Processor<String, SpecificRecord, Void, Void> {

    private KeyValueStore<String, Verification> verifications;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.verifications = context.getStateStore(BalanceTopology.VERIFICATIONS_STORE);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        Verification current = verifications.get(record.key());
        if (record.value() instanceof VerificationCodeIssued issued) {
            verifications.put(record.key(), Verification.issued(issued.getCodeHash(), issued.getIssuedAt(), issued.getExpiresAt(), current));
        } else if (record.value() instanceof VerificationAttemptFailed failed && current != null) {
            verifications.put(record.key(), current.failedAt(failed.getAttemptedAt()));
        } else if (record.value() instanceof VerificationCodeUsed && current != null) {
            verifications.put(record.key(), current.used());
        }
    }

}
