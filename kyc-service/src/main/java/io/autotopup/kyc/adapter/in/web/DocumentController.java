package io.autotopup.kyc.adapter.in.web;

import io.autotopup.kyc.application.EraseDocuments;
import io.autotopup.kyc.application.KycDirectory;
import io.autotopup.kyc.application.SubmitDocument;
import io.autotopup.kyc.domain.DocumentType;
import io.autotopup.kyc.domain.KycRecord;
import io.autotopup.kyc.domain.RejectedUpload;
import io.autotopup.platform.security.Access;
import io.autotopup.platform.security.Scopes;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.http.codec.multipart.FormFieldPart;
import org.springframework.http.codec.multipart.Part;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A subscriber's identity documents: send one (multipart: {@code type}, {@code front}, optional {@code back}), see
 * where they stand, and have their images erased. Errors are RFC 9457 problem bodies with a {@code reason}.
 */
@RestController
class DocumentController {

    private final SubmitDocument submit;
    private final KycDirectory directory;
    private final EraseDocuments erase;

    DocumentController(SubmitDocument submit, KycDirectory directory, EraseDocuments erase) {
        this.submit = submit;
        this.directory = directory;
        this.erase = erase;
    }

    record DocumentsResponse(String subscriberId, String kycStatus, List<DocumentResponse> documents) {
    }

    /** The upload's form, as the OpenAPI document shows it. */
    record UploadForm(
            @Schema(allowableValues = {"NATIONAL_ID", "PASSPORT", "FAMILY_BOOK", "OTHER"}) String type,
            @Schema(type = "string", format = "binary", description = "JPEG, PNG or PDF, at most 5 MB") String front,
            @Schema(type = "string", format = "binary", description = "for a card; optional") String back) {
    }

    @PostMapping(path = "/v1/subscribers/{subscriberId}/identity-documents", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @Access(owner = true)
    @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(mediaType = MediaType.MULTIPART_FORM_DATA_VALUE,
            schema = @Schema(implementation = UploadForm.class)))
    Mono<ResponseEntity<DocumentResponse>> upload(@PathVariable String subscriberId, ServerWebExchange exchange) {
        return exchange.getMultipartData().flatMap(parts -> {
            DocumentType type = type(parts);
            return Mono.zip(bytes(parts, "front").defaultIfEmpty(new byte[] {-1}), bytes(parts, "back").defaultIfEmpty(new byte[] {-1}))
                    .flatMap(files -> Mono.fromCallable(() -> submit.submit(subscriberId, type, present(files.getT1()),
                            present(files.getT2()))).subscribeOn(Schedulers.boundedElastic()));
        }).onErrorMap(DataBufferLimitException.class, e -> Problems.upload(new RejectedUpload(RejectedUpload.Reason.TOO_LARGE,
                "A side is larger than 5 MB")))
                .onErrorMap(RejectedUpload.class, Problems::upload)
                .map(document -> ResponseEntity.created(URI.create("/v1/subscribers/" + subscriberId + "/identity-documents/"
                        + document.documentId())).body(DocumentResponse.of(document)));
    }

    /** The empty marker (one byte -1, which no file starts with) for a side that was not sent. */
    private static byte[] present(byte[] bytes) {
        return bytes.length == 1 && bytes[0] == -1 ? null : bytes;
    }

    private static DocumentType type(MultiValueMap<String, Part> parts) {
        Part part = parts.getFirst("type");
        String value = part instanceof FormFieldPart field ? field.value().trim().toUpperCase(Locale.ROOT) : "";
        try {
            return DocumentType.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw Problems.upload(new RejectedUpload(RejectedUpload.Reason.INVALID,
                    "type must be one of NATIONAL_ID, PASSPORT, FAMILY_BOOK, OTHER"));
        }
    }

    /** A file part's bytes, read no further than the limit plus one byte. */
    private static Mono<byte[]> bytes(MultiValueMap<String, Part> parts, String name) {
        Part part = parts.getFirst(name);
        if (part == null) {
            return Mono.empty();
        }
        if (!(part instanceof FilePart)) {
            return Mono.error(Problems.upload(new RejectedUpload(RejectedUpload.Reason.INVALID, name + " must be a file")));
        }
        return DataBufferUtils.join(part.content(), SubmitDocument.MAX_BYTES + 1).map(buffer -> {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            DataBufferUtils.release(buffer);
            return bytes;
        }).defaultIfEmpty(new byte[0]);
    }

    @GetMapping("/v1/subscribers/{subscriberId}/identity-documents")
    @Access(owner = true, scopes = Scopes.KYC_REVIEW)
    Mono<DocumentsResponse> documents(@PathVariable String subscriberId) {
        return Mono.fromCallable(() -> {
            KycRecord record = directory.record(subscriberId);
            return new DocumentsResponse(subscriberId, record.status().name(),
                    record.documents().stream().map(DocumentResponse::of).toList());
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /** The subscriber's erasure request: every image of theirs is deleted now; the decisions and hashes stay. */
    @DeleteMapping("/v1/subscribers/{subscriberId}/identity-documents")
    @Access(owner = true)
    Mono<Map<String, Object>> eraseAll(@PathVariable String subscriberId) {
        return Mono.fromCallable(() -> Map.<String, Object>of("subscriberId", subscriberId, "erased", erase.onRequest(subscriberId)))
                .subscribeOn(Schedulers.boundedElastic());
    }
}
