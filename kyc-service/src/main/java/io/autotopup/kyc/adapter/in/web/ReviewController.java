package io.autotopup.kyc.adapter.in.web;

import io.autotopup.kyc.application.ReviewDocuments;
import io.autotopup.kyc.domain.Side;
import io.autotopup.platform.security.Access;
import io.autotopup.platform.security.Callers;
import io.autotopup.platform.security.Scopes;
import java.util.List;
import java.util.Locale;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Operators with scope {@value Scopes#KYC_REVIEW}: the pending documents, oldest first; one side of one, decrypted and
 * never cached, each view on the audit trail first; approve, or reject with a reason.
 */
@RestController
class ReviewController {

    private final ReviewDocuments review;

    ReviewController(ReviewDocuments review) {
        this.review = review;
    }

    record Decision(String decision, String reason) {
    }

    @GetMapping("/v1/identity-documents/pending")
    @Access(scopes = Scopes.KYC_REVIEW)
    Mono<List<DocumentResponse>> pending() {
        return Mono.fromCallable(() -> review.pending().stream().map(DocumentResponse::of).toList())
                .subscribeOn(Schedulers.boundedElastic());
    }

    @GetMapping("/v1/identity-documents/{documentId}/{side}")
    @Access(scopes = Scopes.KYC_REVIEW)
    Mono<ResponseEntity<byte[]>> view(@PathVariable String documentId, @PathVariable String side) {
        Side which = side(side);
        return viewer().flatMap(viewer -> Mono.fromCallable(() -> review.view(review.subscriberOf(documentId), documentId, which, viewer))
                        .subscribeOn(Schedulers.boundedElastic()))
                .onErrorMap(ReviewDocuments.NotFound.class, e -> new ResponseStatusException(HttpStatus.NOT_FOUND, e.getMessage()))
                .onErrorMap(ReviewDocuments.Gone.class, e -> new ResponseStatusException(HttpStatus.GONE, e.getMessage()))
                .map(viewed -> ResponseEntity.ok()
                        .contentType(MediaType.parseMediaType(viewed.contentType()))
                        .cacheControl(CacheControl.noStore())
                        .header("X-Content-Type-Options", "nosniff")
                        .header("Content-Security-Policy", "default-src 'none'; sandbox")
                        .headers(headers -> headers.setContentDisposition(ContentDisposition.inline()
                                .filename(documentId + "-" + which.name().toLowerCase(Locale.ROOT)).build()))
                        .body(viewed.bytes()));
    }

    @PostMapping("/v1/identity-documents/{documentId}/review")
    @Access(scopes = Scopes.KYC_REVIEW)
    Mono<DocumentResponse> decide(@PathVariable String documentId, @RequestBody Decision decision) {
        if (decision.decision() == null || !List.of("APPROVED", "REJECTED").contains(decision.decision())) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "decision must be APPROVED or REJECTED");
        }
        boolean approve = decision.decision().equals("APPROVED");
        return viewer().flatMap(reviewer -> Mono.fromCallable(() -> review.decide(review.subscriberOf(documentId), documentId,
                        approve, decision.reason(), reviewer)).subscribeOn(Schedulers.boundedElastic()))
                .onErrorMap(ReviewDocuments.NotFound.class, e -> new ResponseStatusException(HttpStatus.NOT_FOUND, e.getMessage()))
                .onErrorMap(ReviewDocuments.AlreadyDecided.class, e -> new ResponseStatusException(HttpStatus.CONFLICT, e.getMessage()))
                .onErrorMap(IllegalArgumentException.class, e -> new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage()))
                .map(DocumentResponse::of);
    }

    private static Side side(String side) {
        try {
            return Side.valueOf(side.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "A document has a front and a back");
        }
    }

    /** Who is looking: the operator's {@code sub} (a person at a carrier's OIDC provider) or the machine's client id. */
    private static Mono<String> viewer() {
        return Callers.current().map(caller -> caller.map(Authentication::getName).orElse("unknown"));
    }
}
