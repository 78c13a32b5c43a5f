package io.autotopup.kyc.adapter.out.kafka;

import io.autotopup.events.DocumentPage;
import io.autotopup.events.DocumentSide;
import io.autotopup.events.ErasureCause;
import io.autotopup.events.IdentityDocumentErased;
import io.autotopup.events.IdentityDocumentReviewed;
import io.autotopup.events.IdentityDocumentSubmitted;
import io.autotopup.events.IdentityDocumentType;
import io.autotopup.events.IdentityDocumentViewed;
import io.autotopup.events.KycStatusChanged;
import io.autotopup.events.RejectionReason;
import io.autotopup.events.ReviewDecision;
import io.autotopup.kyc.application.KycEvents;
import io.autotopup.kyc.domain.IdentityDocument;
import io.autotopup.kyc.domain.KycStatus;
import io.autotopup.kyc.domain.Side;
import io.autotopup.platform.kafka.Acknowledged;
import io.autotopup.schemas.Topics;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Each change to a document goes to {@code identity-documents} together with the status it leaves the subscriber in
 * ({@code kyc-statuses}), in one Kafka transaction; a view goes to {@code kyc-audit}. Each returns once the broker has
 * the records.
 */
public final class KafkaKycEvents implements KycEvents {

    private final KafkaTemplate<String, SpecificRecord> template;
    private final Clock clock;

    public KafkaKycEvents(KafkaTemplate<String, SpecificRecord> transactionalTemplate, Clock clock) {
        this.template = transactionalTemplate;
        this.clock = clock;
    }

    @Override
    public void submitted(IdentityDocument document, KycStatus status) {
        publish(document, IdentityDocumentSubmitted.newBuilder().setDocumentId(document.documentId())
                .setSubscriberId(document.subscriberId()).setDocumentType(IdentityDocumentType.valueOf(document.type().name()))
                .setPages(document.pages().stream().map(page -> DocumentPage.newBuilder().setSide(DocumentSide.valueOf(page.side().name()))
                        .setObjectKey(page.objectKey()).setSha256(page.sha256()).setSize(page.size())
                        .setContentType(page.contentType()).setEncryptionKeyId(page.encryptionKeyId()).build()).toList())
                .setSubmittedAt(document.submittedAt()).build(), status);
    }

    @Override
    public void reviewed(IdentityDocument document, KycStatus status) {
        publish(document, IdentityDocumentReviewed.newBuilder().setDocumentId(document.documentId())
                .setSubscriberId(document.subscriberId())
                .setDecision(document.status() == IdentityDocument.Status.APPROVED ? ReviewDecision.APPROVED : ReviewDecision.REJECTED)
                .setRejectionReason(document.rejectionReason() == null ? null : RejectionReason.valueOf(document.rejectionReason()))
                .setReviewer(document.reviewer()).setReviewedAt(document.decidedAt()).build(), status);
    }

    @Override
    public void erased(IdentityDocument document, KycStatus status) {
        publish(document, IdentityDocumentErased.newBuilder().setDocumentId(document.documentId())
                .setSubscriberId(document.subscriberId()).setCause(ErasureCause.valueOf(document.erasure()))
                .setErasedAt(document.erasedAt()).build(), status);
    }

    @Override
    public void viewed(IdentityDocument document, Side side, String viewer) {
        IdentityDocumentViewed viewed = IdentityDocumentViewed.newBuilder().setDocumentId(document.documentId())
                .setSubscriberId(document.subscriberId()).setSide(DocumentSide.valueOf(side.name())).setViewer(viewer)
                .setViewedAt(clock.instant()).build();
        CompletableFuture<?> sent = template.executeInTransaction(operations ->
                operations.send(Topics.KYC_AUDIT.name(), document.subscriberId(), viewed));
        Acknowledged.await(sent, "the view of a document");
    }

    private void publish(IdentityDocument document, SpecificRecord event, KycStatus status) {
        KycStatusChanged changed = KycStatusChanged.newBuilder().setSubscriberId(document.subscriberId())
                .setStatus(io.autotopup.events.KycStatus.valueOf(status.name())).setDocumentId(document.documentId())
                .setChangedAt(clock.instant()).build();
        CompletableFuture<?> sent = template.executeInTransaction(operations -> {
            operations.send(Topics.IDENTITY_DOCUMENTS.name(), document.subscriberId(), event);
            return operations.send(Topics.KYC_STATUSES.name(), document.subscriberId(), changed);
        });
        Acknowledged.await(sent, "the document's " + event.getClass().getSimpleName());
    }
}
