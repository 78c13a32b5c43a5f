package io.autotopup.portal.adapter.in.web;

import io.autotopup.portal.application.Carrier;
import io.autotopup.portal.adapter.out.services.SubscriberServices;
import io.autotopup.portal.config.PortalProperties;
import io.autotopup.portal.domain.AutoTopUp;
import io.autotopup.portal.domain.Money;
import io.autotopup.portal.domain.RulePreview;
import java.util.List;
import java.util.Map;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Try it: what the rule would do at the balance now, without charging anything; on the devstack, "use some credit"
 * sends a use of data through the sandbox carrier, and the page shows the balance drop, the top-up come in and the
 * text arrive as they happen.
 */
@Controller
class TryItController {

    /** The uses of credit offered, per currency. */
    private static final Map<String, List<String>> USES = Map.of("LAK", List.of("10000", "50000"), "USD", List.of("1.00", "5.00"));

    private final SubscriberServices services;
    private final Carrier carrier;
    private final PortalProperties properties;
    private final HomeController home;

    TryItController(SubscriberServices services, Carrier carrier, PortalProperties properties, HomeController home) {
        this.services = services;
        this.carrier = carrier;
        this.properties = properties;
        this.home = home;
    }

    @GetMapping("/try-it")
    Mono<String> tryIt(@AuthenticationPrincipal OidcUser user, @RequestParam(required = false) String used, Model model) {
        String subscriberId = user.getSubject();
        return home.live(subscriberId, model).then(Mono.fromSupplier(() -> {
            Money balance = (Money) model.getAttribute("balance");
            AutoTopUp rule = (AutoTopUp) model.getAttribute("rule");
            List<?> methods = (List<?>) model.getAttribute("methods");
            model.addAttribute("preview", RulePreview.at(balance, rule, methods != null && !methods.isEmpty()));
            model.addAttribute("uses", USES.getOrDefault(balance.currency(), List.of()).stream()
                    .map(amount -> Money.of(amount, balance.currency())).toList());
            model.addAttribute("used", used);
            return "try-it";
        }));
    }

    /** How much credit to use. */
    record UseForm(String amount) {
    }

    /** The sandbox carrier records a use of data for the signed-in number; only on the devstack. */
    @PostMapping("/try-it/use-credit")
    Mono<String> useCredit(@AuthenticationPrincipal OidcUser user, @ModelAttribute UseForm form) {
        String amount = form.amount();
        if (!properties.sandboxCarrier().enabled()) {
            return Mono.just("redirect:/try-it");
        }
        return services.profile(user.getSubject()).flatMap(profile -> {
            if (!USES.getOrDefault(profile.currency(), List.of()).contains(amount)) {
                return Mono.just("redirect:/try-it");
            }
            Money use = Money.of(amount, profile.currency());
            return Mono.fromCallable(() -> carrier.useCredit(profile.msisdn(), use)).subscribeOn(Schedulers.boundedElastic())
                    .thenReturn("redirect:/try-it?used=" + amount);
        });
    }
}
