package io.autotopup.kyc.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KycRecordTest {

    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
    private static final RetentionPolicy POLICY = new RetentionPolicy(Duration.ofDays(90), Duration.ofDays(30));

    private static IdentityDocument sent(String id, Instant at) {
        return IdentityDocument.submitted(id, "sub-1", DocumentType.NATIONAL_ID,
                List.of(new DocumentPage(Side.FRONT, "key-" + id, "00", 1, "image/jpeg", "k")), at);
    }

    @Test
    void the_status_follows_the_newest_document_until_one_is_approved_which_stays_verified() {
        KycRecord record = KycRecord.empty("sub-1");
        assertThat(record.status()).isEqualTo(KycStatus.NONE);

        record = record.with(sent("d1", T0));
        assertThat(record.status()).isEqualTo(KycStatus.PENDING);
        record = record.with(record.document("d1").orElseThrow().reviewed(false, "UNREADABLE", "op", T0.plusSeconds(60)));
        assertThat(record.status()).isEqualTo(KycStatus.REJECTED);
        record = record.with(sent("d2", T0.plusSeconds(120)));
        assertThat(record.status()).isEqualTo(KycStatus.PENDING);
        assertThat(record.documents()).extracting(IdentityDocument::documentId).containsExactly("d2", "d1");
        record = record.with(record.document("d2").orElseThrow().reviewed(true, null, "op", T0.plusSeconds(180)));
        assertThat(record.status()).isEqualTo(KycStatus.VERIFIED);
        record = record.with(record.document("d2").orElseThrow().erased("RETENTION", T0.plus(Duration.ofDays(91))));
        assertThat(record.status()).as("the decision outlives the images").isEqualTo(KycStatus.VERIFIED);
    }

    @Test
    void images_are_due_for_erasure_after_the_retention_of_their_decision_and_never_while_pending() {
        KycRecord record = KycRecord.empty("sub-1").with(sent("pending", T0)).with(sent("rejected", T0)).with(sent("approved", T0));
        record = record.with(record.document("rejected").orElseThrow().reviewed(false, "EXPIRED", "op", T0));
        record = record.with(record.document("approved").orElseThrow().reviewed(true, null, "op", T0));

        assertThat(record.dueForErasure(T0.plus(Duration.ofDays(29)), POLICY)).isEmpty();
        assertThat(record.dueForErasure(T0.plus(Duration.ofDays(30)), POLICY)).extracting(IdentityDocument::documentId)
                .containsExactly("rejected");
        assertThat(record.dueForErasure(T0.plus(Duration.ofDays(365)), POLICY)).extracting(IdentityDocument::documentId)
                .containsExactlyInAnyOrder("rejected", "approved");
    }

    @Test
    void a_file_is_what_its_first_bytes_say() {
        assertThat(FileKind.of(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0})).contains(FileKind.JPEG);
        assertThat(FileKind.of("%PDF-1.7".getBytes())).contains(FileKind.PDF);
        assertThat(FileKind.of("GIF89a".getBytes())).isEmpty();
        assertThat(FileKind.of(new byte[0])).isEmpty();
    }
}
