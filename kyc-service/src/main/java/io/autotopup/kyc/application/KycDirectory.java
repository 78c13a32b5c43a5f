package io.autotopup.kyc.application;

import io.autotopup.kyc.domain.KycRecord;
import java.util.List;

/** Every subscriber's documents as the events tell them. */
public interface KycDirectory {

    KycRecord record(String subscriberId);

    /** Every subscriber who has sent a document. */
    List<KycRecord> all();
}
