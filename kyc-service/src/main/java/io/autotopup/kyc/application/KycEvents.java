package io.autotopup.kyc.application;

import io.autotopup.kyc.domain.IdentityDocument;
import io.autotopup.kyc.domain.KycStatus;
import io.autotopup.kyc.domain.Side;

/**
 * What happened to a subscriber's documents, published with the status it leaves them in (in one transaction), and
 * every view of a document, published before the document is shown.
 */
public interface KycEvents {

    void submitted(IdentityDocument document, KycStatus status);

    void reviewed(IdentityDocument document, KycStatus status);

    void erased(IdentityDocument document, KycStatus status);

    void viewed(IdentityDocument document, Side side, String viewer);
}
