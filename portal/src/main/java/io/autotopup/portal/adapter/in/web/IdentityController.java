package io.autotopup.portal.adapter.in.web;

import io.autotopup.portal.adapter.out.services.SubscriberServices;
import io.autotopup.portal.application.ServiceRefusal;
import io.autotopup.portal.domain.Upload;
import java.util.List;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.http.codec.multipart.FormFieldPart;
import org.springframework.http.codec.multipart.Part;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * My ID: the identity document the carrier asks for (Lao SIM registration). Send a photo of the front (and back) of
 * an ID card, a passport or a family book; see where its review stands and, when it was rejected, why and what to
 * send instead; have the images erased. The files go on to kyc-service as they came: it checks them.
 */
@Controller
class IdentityController {

    static final List<String> TYPES = List.of("NATIONAL_ID", "PASSPORT", "FAMILY_BOOK", "OTHER");
    /** A little over kyc-service's 5 MB, so that it is kyc-service that says what is too large. */
    private static final int READ_LIMIT = 5 * 1024 * 1024 + 1;

    private final SubscriberServices services;

    IdentityController(SubscriberServices services) {
        this.services = services;
    }

    @GetMapping("/identity")
    Mono<String> page(@AuthenticationPrincipal OidcUser user, @RequestParam(required = false) String done,
            @RequestParam(required = false) String error, ServerWebExchange exchange, Model model) {
        if ("too-large".equals(error)) {
            // sent back here by TooLargeRequests: a file too large to read at all
            exchange.getResponse().setStatusCode(HttpStatus.UNPROCESSABLE_CONTENT);
            return show(user.getSubject(), model, null, "identity.error.TOO_LARGE");
        }
        return show(user.getSubject(), model, done, null);
    }

    private Mono<String> show(String subscriberId, Model model, String done, String error) {
        return Mono.zip(services.profile(subscriberId), services.identityDocuments(subscriberId)).map(all -> {
            model.addAttribute("kycStatus", all.getT1().kycStatus());
            model.addAttribute("documents", all.getT2());
            model.addAttribute("types", TYPES);
            model.addAttribute("done", done);
            model.addAttribute("error", error);
            return "identity";
        });
    }

    @PostMapping("/identity")
    Mono<String> send(@AuthenticationPrincipal OidcUser user, ServerWebExchange exchange, Model model) {
        String subscriberId = user.getSubject();
        return exchange.getMultipartData().flatMap(parts -> {
            String type = parts.getFirst("type") instanceof FormFieldPart field ? field.value() : "";
            if (!TYPES.contains(type)) {
                return refused(subscriberId, model, exchange, "identity.error.INVALID");
            }
            return Mono.zip(upload(parts, "front").defaultIfEmpty(NONE), upload(parts, "back").defaultIfEmpty(NONE))
                    .flatMap(files -> {
                        if (files.getT1() == NONE) {
                            return refused(subscriberId, model, exchange, "identity.error.NO_FRONT");
                        }
                        return services.sendIdentityDocument(subscriberId, type, files.getT1(), files.getT2() == NONE ? null : files.getT2())
                                .thenReturn("redirect:/identity?done=identity-sent")
                                .onErrorResume(ServiceRefusal.class, refusal -> refusal.notFound() ? Mono.error(refusal)
                                        : refused(subscriberId, model, exchange, "identity.error."
                                                + (refusal.code() == null ? "FAILED" : refusal.code())));
                    });
        }).onErrorResume(DataBufferLimitException.class, e -> refused(subscriberId, model, exchange, "identity.error.TOO_LARGE"));
    }

    @PostMapping("/identity/erase")
    Mono<String> erase(@AuthenticationPrincipal OidcUser user) {
        return services.eraseIdentityDocuments(user.getSubject()).thenReturn("redirect:/identity?done=identity-erased");
    }

    private static final Upload NONE = new Upload(null, null, new byte[0]);

    /** The file the person picked, or none when the field was left empty (browsers send an empty part). */
    private static Mono<Upload> upload(MultiValueMap<String, Part> parts, String name) {
        if (!(parts.getFirst(name) instanceof FilePart file) || file.filename().isBlank()) {
            return Mono.empty();
        }
        return DataBufferUtils.join(file.content(), READ_LIMIT).map(buffer -> {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            DataBufferUtils.release(buffer);
            return new Upload(file.filename(), file.headers().getContentType() == null ? null
                    : file.headers().getContentType().toString(), bytes);
        }).defaultIfEmpty(new Upload(file.filename(), null, new byte[0]));
    }

    private Mono<String> refused(String subscriberId, Model model, ServerWebExchange exchange, String error) {
        exchange.getResponse().setStatusCode(HttpStatus.UNPROCESSABLE_CONTENT);
        return show(subscriberId, model, null, error);
    }
}
