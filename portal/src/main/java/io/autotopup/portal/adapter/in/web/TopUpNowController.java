package io.autotopup.portal.adapter.in.web;

import io.autotopup.portal.adapter.out.services.SubscriberServices;
import io.autotopup.portal.application.ServiceRefusal;
import io.autotopup.portal.config.Languages;
import io.autotopup.portal.domain.Money;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Top up now, on the home page beside the rule: an amount from one of the subscriber's methods, charged, credited and
 * texted as the rule's top-ups are, within the same caps. Each form carries a key of its own, so a form sent twice (a
 * double tap, a reload) is one top-up. Refusals are shown beside the form in the page's language.
 */
@Controller
class TopUpNowController {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final SubscriberServices services;
    private final HomeController home;
    private final MessageSource messages;

    TopUpNowController(SubscriberServices services, HomeController home, MessageSource messages) {
        this.services = services;
        this.home = home;
        this.messages = messages;
    }

    /** What the form sends: the amount as typed, the method (empty: the default one), and the form's key. */
    record NowForm(String amount, String paymentMethodId, String key) {
    }

    /** A new form's key: 128 random bits. */
    static String newKey() {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return "portal-" + HexFormat.of().formatHex(random);
    }

    @PostMapping("/top-up-now")
    Mono<String> topUpNow(@AuthenticationPrincipal OidcUser user, @ModelAttribute NowForm form, ServerWebExchange exchange,
            Model model) {
        String subscriberId = user.getSubject();
        String key = form.key() != null && form.key().matches("portal-[0-9a-f]{32}") ? form.key() : newKey();
        return services.profile(subscriberId)
                .flatMap(profile -> services.topUpNow(subscriberId, form.amount(), profile.currency(), form.paymentMethodId(), key)
                        .thenReturn("redirect:/?done=top-up-asked")
                        .onErrorResume(ServiceRefusal.class, refusal -> refusal.status() == 400 || refusal.status() == 409
                                || refusal.status() == 422
                                ? again(subscriberId, model, form, key, error(refusal, profile.currency(), Languages.of(exchange)), exchange)
                                : Mono.error(refusal)));
    }

    private Mono<String> again(String subscriberId, Model model, NowForm form, String key, Map<String, String> error,
            ServerWebExchange exchange) {
        exchange.getResponse().setStatusCode(HttpStatus.UNPROCESSABLE_CONTENT);
        model.addAttribute("nowForm", form);
        // the same key again: the same ask, should the first have gone through after all
        model.addAttribute("nowKey", key);
        model.addAttribute("nowErrors", error);
        return home.live(subscriberId, model).thenReturn("home");
    }

    /** The rule engine's code, in the page's language: beside the amount, the method, or the whole form. */
    private Map<String, String> error(ServiceRefusal refusal, String currency, Locale locale) {
        String field = "amount".equals(refusal.field()) || "paymentMethodId".equals(refusal.field()) ? refusal.field() : "now";
        String code = refusal.code() == null ? "failed" : refusal.code();
        Object[] arguments = refusal.limitAmount() == null ? new Object[0] : new Object[] {Money.of(refusal.limitAmount(), currency).format()};
        return Map.of(field, messages.getMessage("now.error." + code, arguments, refusal.getMessage(), locale));
    }
}
