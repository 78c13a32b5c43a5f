package io.autotopup.portal.adapter.in.web;

import io.autotopup.portal.application.ServiceRefusal;
import io.autotopup.portal.adapter.out.services.SubscriberServices;
import io.autotopup.portal.domain.AutoTopUp;
import io.autotopup.portal.domain.Money;
import io.autotopup.portal.domain.RuleChange;
import io.autotopup.portal.config.Languages;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The auto top-up rule: set or change it (threshold; a fixed amount or "top up to"; the day's count and the month's
 * amount; which method), pause, resume, cancel. The rule engine checks it; its errors are shown beside their field,
 * in the page's language.
 */
@Controller
class AutoTopUpController {

    /** What a new rule suggests, per currency: below 20,000 ₭ top up 50,000 ₭; below $2, $5. */
    private static final Map<String, String[]> SUGGESTED = Map.of("LAK", new String[] {"20000", "50000"}, "USD", new String[] {"2.00", "5.00"});

    private final SubscriberServices services;
    private final MessageSource messages;

    AutoTopUpController(SubscriberServices services, MessageSource messages) {
        this.services = services;
        this.messages = messages;
    }

    /** The form as typed: amounts as text, so that what was typed comes back with its error. */
    record RuleForm(String threshold, String mode, String topUpAmount, String targetBalance, String paymentMethodId,
            String maxTopUpsPerDay, String maxAmountPerMonth) {

        static RuleForm of(AutoTopUp rule) {
            return new RuleForm(rule.threshold().amount(), rule.mode().name(),
                    rule.topUpAmount() == null ? "" : rule.topUpAmount().amount(),
                    rule.targetBalance() == null ? "" : rule.targetBalance().amount(),
                    rule.paymentMethodId() == null ? "" : rule.paymentMethodId(), Integer.toString(rule.maxTopUpsPerDay()),
                    rule.maxAmountPerMonth() == null ? "" : rule.maxAmountPerMonth().amount());
        }

        AutoTopUp.Mode modeOrFixed() {
            return "TARGET".equals(mode) ? AutoTopUp.Mode.TARGET : AutoTopUp.Mode.FIXED;
        }
    }

    @GetMapping("/auto-top-up")
    Mono<String> form(@AuthenticationPrincipal OidcUser user, Model model) {
        String subscriberId = user.getSubject();
        return Mono.zip(services.profile(subscriberId), services.rule(subscriberId), services.paymentMethods(subscriberId))
                .map(all -> {
                    String[] suggested = SUGGESTED.getOrDefault(all.getT1().currency(), new String[] {"", ""});
                    RuleForm form = all.getT2().map(RuleForm::of)
                            .orElse(new RuleForm(suggested[0], "FIXED", suggested[1], "", "", "3", ""));
                    return page(model, form, all.getT2().orElse(null), all.getT1().currency(), all.getT3(), Map.of(), null);
                });
    }

    @PostMapping("/auto-top-up")
    Mono<String> save(@AuthenticationPrincipal OidcUser user, @ModelAttribute RuleForm form, ServerWebExchange exchange, Model model) {
        String subscriberId = user.getSubject();
        return services.profile(subscriberId).flatMap(profile -> {
            String currency = profile.currency();
            if (form.maxTopUpsPerDay() != null && !form.maxTopUpsPerDay().isBlank() && !form.maxTopUpsPerDay().trim().matches("\\d{1,4}")) {
                return redisplay(subscriberId, model, form, currency, Map.of("maxTopUpsPerDay",
                        messages.getMessage("rule.error.whole-number", null, Languages.of(exchange))), exchange);
            }
            RuleChange change = new RuleChange(form.threshold(), form.modeOrFixed(), form.topUpAmount(), form.targetBalance(),
                    form.paymentMethodId(), form.maxTopUpsPerDay(), form.maxAmountPerMonth());
            // a number signed up a moment ago may not be active at the rule engine yet: the ledger says it is, so wait for it
            boolean active = "ACTIVE".equals(profile.status());
            return services.setRule(subscriberId, change, currency)
                    .retryWhen(Retry.backoff(8, Duration.ofMillis(250)).maxBackoff(Duration.ofSeconds(2))
                            .filter(e -> active && e instanceof ServiceRefusal refusal && "not_active".equals(refusal.code()))
                            .onRetryExhaustedThrow((spec, signal) -> signal.failure()))
                    .thenReturn("redirect:/?done=rule-saved")
                    .onErrorResume(ServiceRefusal.class, refusal -> refusal.status() == 400 || refusal.status() == 422
                            ? redisplay(subscriberId, model, form, currency, fieldError(refusal, currency, Languages.of(exchange)),
                                    exchange)
                            : Mono.error(refusal));
        });
    }

    /**
     * An error of the rule engine, beside its field: its code in the page's language, with the ceiling where one was
     * passed; the service's own words where the code is new to the portal.
     */
    private Map<String, String> fieldError(ServiceRefusal refusal, String currency, Locale locale) {
        String field = refusal.field() == null ? "rule" : refusal.field();
        Object[] arguments = refusal.limitAmount() == null ? new Object[0]
                : new Object[] {Money.of(refusal.limitAmount(), currency).format()};
        return Map.of(field, messages.getMessage("rule.error." + field + "." + refusal.code(), arguments, refusal.getMessage(), locale));
    }

    private Mono<String> redisplay(String subscriberId, Model model, RuleForm form, String currency, Map<String, String> errors,
            ServerWebExchange exchange) {
        exchange.getResponse().setStatusCode(HttpStatus.UNPROCESSABLE_CONTENT);
        return Mono.zip(services.rule(subscriberId), services.paymentMethods(subscriberId))
                .map(all -> page(model, form, all.getT1().orElse(null), currency, all.getT2(), errors, null));
    }

    private static String page(Model model, RuleForm form, AutoTopUp rule, String currency, Object methods,
            Map<String, String> errors, String done) {
        model.addAttribute("form", form);
        model.addAttribute("rule", rule);
        model.addAttribute("currency", currency);
        model.addAttribute("methods", methods);
        model.addAttribute("errors", new LinkedHashMap<>(errors));
        model.addAttribute("done", done);
        return "auto-top-up";
    }

    @PostMapping("/auto-top-up/pause")
    Mono<String> pause(@AuthenticationPrincipal OidcUser user) {
        return services.pause(user.getSubject()).thenReturn("redirect:/?done=paused");
    }

    @PostMapping("/auto-top-up/resume")
    Mono<String> resume(@AuthenticationPrincipal OidcUser user) {
        return services.resume(user.getSubject()).thenReturn("redirect:/?done=resumed");
    }

    @PostMapping("/auto-top-up/cancel")
    Mono<String> cancel(@AuthenticationPrincipal OidcUser user) {
        return services.cancelRule(user.getSubject()).thenReturn("redirect:/?done=cancelled");
    }
}
