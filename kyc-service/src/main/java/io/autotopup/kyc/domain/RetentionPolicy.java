package io.autotopup.kyc.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How long a document's images are kept after its review: an approved one {@code afterApproval}, a rejected one
 * {@code afterRejection} (sooner: it proved nothing). A pending one is kept until it is reviewed.
 */
public record RetentionPolicy(Duration afterApproval, Duration afterRejection) {

    public Optional<Instant> eraseAt(IdentityDocument document) {
        return switch (document.status()) {
            case PENDING -> Optional.empty();
            case APPROVED -> Optional.of(document.decidedAt().plus(afterApproval));
            case REJECTED -> Optional.of(document.decidedAt().plus(afterRejection));
        };
    }
}
