package io.autotopup.portal.adapter.in.web;

import io.autotopup.portal.adapter.out.services.SubscriberServices;
import io.autotopup.portal.domain.AutoTopUp;
import io.autotopup.portal.domain.FailureHelp;
import io.autotopup.portal.domain.PaymentMethod;
import io.autotopup.portal.domain.TopUp;
import java.util.List;
import java.util.Optional;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import reactor.core.publisher.Mono;

/**
 * Home: the balance, the rule in one sentence with its state, the last top-up and, when it failed, what to do. The
 * part that changes by itself ({@code /live}) is refreshed by htmx.
 */
@Controller
class HomeController {

    private final SubscriberServices services;

    HomeController(SubscriberServices services) {
        this.services = services;
    }

    @GetMapping("/welcome")
    Mono<String> welcome(@AuthenticationPrincipal OidcUser user, @RequestParam(required = false) String expired, Model model) {
        model.addAttribute("expired", expired != null);
        return Mono.just(user == null ? "welcome" : "redirect:/");
    }

    @GetMapping("/")
    Mono<String> home(@AuthenticationPrincipal OidcUser user, @RequestParam(required = false) String done, Model model) {
        model.addAttribute("done", done);
        model.addAttribute("nowKey", TopUpNowController.newKey());
        return live(user.getSubject(), model).thenReturn("home");
    }

    /** The balance, the rule's state and the latest top-up and text: what a person watches change. */
    @GetMapping("/live")
    Mono<String> liveFragment(@AuthenticationPrincipal OidcUser user, Model model) {
        return live(user.getSubject(), model).thenReturn("fragments :: live");
    }

    Mono<Void> live(String subscriberId, Model model) {
        return Mono.zip(services.profile(subscriberId), services.balance(subscriberId), services.rule(subscriberId),
                        services.paymentMethods(subscriberId), services.topUps(subscriberId, 1), services.texts(subscriberId, 1))
                .doOnNext(all -> {
                    Optional<AutoTopUp> rule = all.getT3();
                    List<PaymentMethod> methods = all.getT4();
                    model.addAttribute("profile", all.getT1());
                    model.addAttribute("balance", all.getT2());
                    model.addAttribute("rule", rule.orElse(null));
                    model.addAttribute("ruleMethod", rule.map(r -> chargedMethod(r, methods)).orElse(null));
                    model.addAttribute("methods", methods);
                    TopUp last = all.getT5().isEmpty() ? null : all.getT5().get(0);
                    model.addAttribute("lastTopUp", last);
                    model.addAttribute("help", last != null && last.failed()
                            ? FailureHelp.forReason(last.outcome(), rule.map(AutoTopUp::state).orElse(null)) : null);
                    model.addAttribute("lastText", all.getT6().isEmpty() ? null : all.getT6().get(0));
                })
                .then();
    }

    /**
     * The method a top-up charges first: the one the rule names, else (none named, or the named one removed) the
     * default one, as payment-service chooses; null when there is no method at all.
     */
    static PaymentMethod chargedMethod(AutoTopUp rule, List<PaymentMethod> methods) {
        return methods.stream().filter(method -> method.paymentMethodId().equals(rule.paymentMethodId())).findFirst()
                .or(() -> methods.stream().filter(PaymentMethod::isDefault).findFirst())
                .or(() -> methods.stream().findFirst())
                .orElse(null);
    }
}
