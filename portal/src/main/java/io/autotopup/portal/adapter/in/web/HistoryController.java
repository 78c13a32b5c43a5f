package io.autotopup.portal.adapter.in.web;

import io.autotopup.portal.application.ServiceRefusal;
import io.autotopup.portal.adapter.out.services.SubscriberServices;
import io.autotopup.portal.domain.AutoTopUp;
import io.autotopup.portal.domain.FailureHelp;
import io.autotopup.portal.domain.LedgerLine;
import io.autotopup.portal.domain.Paged;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import reactor.core.publisher.Mono;

/**
 * History: the ledger (usage, top-ups, adjustments), the top-ups with their outcome, the texts, a page at a time; and
 * one top-up with, when it failed, the reason in plain words and what to do.
 */
@Controller
class HistoryController {

    static final int PAGE_SIZE = 10;
    /** The ledger pages back through the whole history by cursor; top-ups and texts as far back as their services answer. */
    private static final int TOP_UP_LIMIT = 100;
    private static final int TEXT_LIMIT = 50;

    private final SubscriberServices services;

    HistoryController(SubscriberServices services) {
        this.services = services;
    }

    @GetMapping("/history")
    Mono<String> history(@AuthenticationPrincipal OidcUser user, @RequestParam(defaultValue = "ledger") String view,
            @RequestParam(defaultValue = "0") int page, @RequestParam(required = false) Long before,
            @RequestParam(required = false) String done, Model model) {
        String subscriberId = user.getSubject();
        model.addAttribute("view", view);
        model.addAttribute("done", done);
        Mono<? extends Paged<?>> entries = switch (view) {
            case "top-ups" -> services.topUps(subscriberId, TOP_UP_LIMIT).map(all -> Paged.of(all, page, PAGE_SIZE));
            case "texts" -> services.profile(subscriberId).doOnNext(profile -> model.addAttribute("textLanguage", profile.language()))
                    .then(services.texts(subscriberId, TEXT_LIMIT)).map(all -> Paged.of(all, page, PAGE_SIZE));
            default -> {
                model.addAttribute("view", "ledger");
                // one more than a page: whether it comes back tells whether there is an older page
                yield services.ledger(subscriberId, before, PAGE_SIZE + 1)
                        .map(lines -> Paged.byCursor(lines, PAGE_SIZE, before == null, LedgerLine::version));
            }
        };
        return entries.map(paged -> {
            model.addAttribute("paged", paged);
            return "history";
        });
    }

    /** One of the subscriber's own top-ups; any other id, someone else's included, is not found. */
    @GetMapping("/top-ups/{requestId}")
    Mono<String> topUp(@AuthenticationPrincipal OidcUser user, @PathVariable String requestId, Model model) {
        String subscriberId = user.getSubject();
        return Mono.zip(services.topUps(subscriberId, TOP_UP_LIMIT), services.rule(subscriberId))
                .flatMap(all -> Mono.justOrEmpty(all.getT1().stream().filter(t -> t.requestId().equals(requestId)).findFirst())
                        .switchIfEmpty(Mono.error(new ServiceRefusal(404, "No top-up " + requestId, null, null, null)))
                        .map(topUp -> {
                            model.addAttribute("topUp", topUp);
                            model.addAttribute("rule", all.getT2().orElse(null));
                            model.addAttribute("help", topUp.failed()
                                    ? FailureHelp.forReason(topUp.outcome(), all.getT2().map(AutoTopUp::state).orElse(null)) : null);
                            return "top-up";
                        }));
    }

    /**
     * The receipt of one of the subscriber's own paid top-ups, in the page's language, laid out to print (or save as a
     * PDF from the browser's print): anyone else's, or one not paid, is not found.
     */
    @GetMapping("/top-ups/{requestId}/receipt")
    Mono<String> receipt(@AuthenticationPrincipal OidcUser user, @PathVariable String requestId, Model model) {
        String subscriberId = user.getSubject();
        return Mono.zip(services.receipt(subscriberId, requestId), services.profile(subscriberId)).map(all -> {
            model.addAttribute("receipt", all.getT1());
            model.addAttribute("profile", all.getT2());
            return "receipt";
        });
    }

    /** Which language the texts are written in, chosen beside them. */
    record TextLanguageForm(String language) {
    }

    @PostMapping("/history/text-language")
    Mono<String> chooseTextLanguage(@AuthenticationPrincipal OidcUser user, @ModelAttribute TextLanguageForm form) {
        if (form.language() == null || !io.autotopup.portal.config.Languages.supported(form.language())) {
            return Mono.just("redirect:/history?view=texts");
        }
        return services.chooseTextLanguage(user.getSubject(), form.language()).thenReturn("redirect:/history?view=texts&done=text-language");
    }
}
