package io.autotopup.rules.adapter.in.web;

import io.autotopup.platform.web.MoneyJson;
import io.autotopup.rules.application.ManageAutoTopUp;
import io.autotopup.rules.application.ManageAutoTopUp.InvalidRuleException;
import io.autotopup.rules.application.ManageAutoTopUp.UnknownSubscriberException;
import io.autotopup.rules.application.RuleDirectory;
import io.autotopup.rules.domain.AutoTopUpRule;
import io.autotopup.rules.domain.RuleEngine;
import io.autotopup.rules.domain.TopUpState;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** A subscriber's auto top-up rule. Errors are RFC 9457 problem details. */
@RestController
@RequestMapping("/v1/subscribers/{subscriberId}/auto-top-up")
class AutoTopUpController {

    private final ManageAutoTopUp manage;
    private final RuleDirectory directory;

    AutoTopUpController(ManageAutoTopUp manage, RuleDirectory directory) {
        this.manage = manage;
        this.directory = directory;
    }

    record RuleRequest(MoneyJson threshold, MoneyJson topUpAmount, String paymentMethodId, Boolean enabled) {
    }

    record RuleResponse(String subscriberId, MoneyJson threshold, MoneyJson topUpAmount, String paymentMethodId,
            boolean enabled, String state, String lastOutcome) {
    }

    @PutMapping
    Mono<RuleResponse> put(@PathVariable String subscriberId, @RequestBody RuleRequest request) {
        AutoTopUpRule rule = toRule(request);
        return blocking(() -> {
            manage.set(subscriberId, rule);
            return response(subscriberId, rule, directory.state(subscriberId));
        });
    }

    @GetMapping
    Mono<RuleResponse> get(@PathVariable String subscriberId) {
        return blocking(() -> {
            AutoTopUpRule rule = directory.rule(subscriberId).orElseThrow(() -> new ResponseStatusException(
                    HttpStatus.NOT_FOUND, "Subscriber " + subscriberId + " has no auto top-up rule"));
            return response(subscriberId, rule, directory.state(subscriberId));
        });
    }

    @DeleteMapping
    Mono<ResponseEntity<Void>> delete(@PathVariable String subscriberId) {
        return blocking(() -> {
            manage.delete(subscriberId);
            return ResponseEntity.noContent().build();
        });
    }

    private static <T> Mono<T> blocking(java.util.concurrent.Callable<T> call) {
        return Mono.fromCallable(call).subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(UnknownSubscriberException.class,
                        e -> new ResponseStatusException(HttpStatus.NOT_FOUND, e.getMessage()))
                .onErrorMap(InvalidRuleException.class,
                        e -> new ResponseStatusException(HttpStatus.UNPROCESSABLE_CONTENT, e.getMessage()));
    }

    private static RuleResponse response(String subscriberId, AutoTopUpRule rule, TopUpState state) {
        return new RuleResponse(subscriberId, MoneyJson.of(rule.threshold(), rule.currency()),
                MoneyJson.of(rule.topUpAmount(), rule.currency()), rule.paymentMethodId(), rule.enabled(),
                RuleEngine.liveState(rule, state), state.lastOutcome());
    }

    private static AutoTopUpRule toRule(RuleRequest request) {
        try {
            if (request.threshold() == null || request.topUpAmount() == null) {
                throw new IllegalArgumentException("threshold and topUpAmount are required");
            }
            String currency = request.threshold().currency() == null ? null
                    : request.threshold().currency().toUpperCase(Locale.ROOT);
            if (!currency.equals(request.topUpAmount().currency())) {
                throw new IllegalArgumentException("threshold and topUpAmount must be in the same currency");
            }
            return new AutoTopUpRule(request.threshold().toMinorUnits(), request.topUpAmount().toMinorUnits(), currency,
                    request.paymentMethodId(), request.enabled() == null || request.enabled());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage() == null
                    ? "threshold and topUpAmount need an amount and a currency" : e.getMessage());
        }
    }
}
