package io.autotopup.rules.adapter.in.web;

import io.autotopup.platform.security.Access;
import io.autotopup.platform.security.Scopes;
import io.autotopup.platform.web.MoneyJson;
import io.autotopup.rules.application.ManageAutoTopUp;
import io.autotopup.rules.application.ManageAutoTopUp.BehindException;
import io.autotopup.rules.application.ManageAutoTopUp.InvalidRuleException;
import io.autotopup.rules.application.ManageAutoTopUp.NotFoundException;
import io.autotopup.rules.application.RuleDirectory;
import io.autotopup.rules.domain.AutoTopUpAccount;
import io.autotopup.rules.domain.AutoTopUpRule;
import io.autotopup.rules.domain.TopUpRecord;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** A subscriber's auto top-up rule and history. Errors are RFC 9457 problem details. */
@RestController
@RequestMapping("/v1/subscribers/{subscriberId}")
class AutoTopUpController {

    private final ManageAutoTopUp manage;
    private final RuleDirectory directory;

    AutoTopUpController(ManageAutoTopUp manage, RuleDirectory directory) {
        this.manage = manage;
        this.directory = directory;
    }

    record RuleRequest(MoneyJson threshold, String mode, MoneyJson topUpAmount, MoneyJson targetBalance,
            String paymentMethodId, Integer maxTopUpsPerDay, MoneyJson maxAmountPerMonth, String timeZone, Boolean enabled) {
    }

    record RuleResponse(String subscriberId, MoneyJson threshold, String mode, MoneyJson topUpAmount,
            MoneyJson targetBalance, String paymentMethodId, int maxTopUpsPerDay, MoneyJson maxAmountPerMonth,
            String timeZone, boolean enabled, String state, int topUpsToday, MoneyJson amountThisMonth, String lastOutcome,
            Instant suspendedUntil) {
    }

    record TopUpResponse(String requestId, MoneyJson amount, String triggeringEventId, String state, String outcome,
            Instant requestedAt, Instant updatedAt, String reason) {
    }

    /** Top up now: the amount, the method (else the default one) and the client's key for this one ask. */
    record AskRequest(MoneyJson amount, String paymentMethodId, String idempotencyKey) {
    }

    record AskResponse(String requestId, String state) {
    }

    /**
     * Top up now. 202 with the request id the top-up has: it is asked of payment-service, charged, credited and texted
     * as the rule's are. The same key again answers the same id and asks nothing more; without a key each call is a
     * new ask. 409 while a top-up is on its way; 422 past a cap or the ceiling, without a method, naming the field.
     */
    @PostMapping("/top-ups")
    @Access(owner = true)
    Mono<ResponseEntity<AskResponse>> topUpNow(@PathVariable String subscriberId, @RequestBody AskRequest request,
            @org.springframework.web.bind.annotation.RequestHeader(name = "Idempotency-Key", required = false) String keyHeader) {
        String key = keyHeader != null && !keyHeader.isBlank() ? keyHeader : request.idempotencyKey();
        if (key != null && !key.matches("[A-Za-z0-9._:-]{8,100}")) {
            throw fieldProblem(HttpStatus.BAD_REQUEST, new InvalidRuleException("idempotencyKey", "invalid",
                    "The idempotency key is 8 to 100 letters, digits, '.', '_', ':' or '-'"));
        }
        String askId = key != null ? key : java.util.UUID.randomUUID().toString();
        if (request.amount() == null || request.amount().currency() == null || request.amount().currency().isBlank()) {
            throw fieldProblem(HttpStatus.BAD_REQUEST, new InvalidRuleException("amount", "required", "amount needs an amount and a currency"));
        }
        String currency = request.amount().currency().toUpperCase(Locale.ROOT);
        long amount;
        try {
            amount = minorUnits(request.amount(), currency, "amount");
        } catch (InvalidRuleException e) {
            throw fieldProblem(HttpStatus.BAD_REQUEST, e);
        }
        String method = request.paymentMethodId() == null || request.paymentMethodId().isBlank() ? null : request.paymentMethodId();
        return blocking(() -> manage.askTopUp(subscriberId, askId, amount, currency, method), currency)
                .onErrorMap(ManageAutoTopUp.InFlightException.class, e -> {
                    ResponseStatusException problem = new ResponseStatusException(HttpStatus.CONFLICT, e.getMessage());
                    problem.getBody().setProperty("code", "in_flight");
                    return problem;
                })
                .map(requestId -> ResponseEntity.accepted()
                        .location(java.net.URI.create("/v1/subscribers/" + subscriberId + "/top-ups/" + requestId))
                        .body(new AskResponse(requestId, "PENDING")));
    }

    @PutMapping("/auto-top-up")
    @Access(owner = true)
    Mono<RuleResponse> put(@PathVariable String subscriberId, @RequestBody RuleRequest request) {
        AutoTopUpRule rule = toRule(request);
        return blocking(() -> response(subscriberId, manage.set(subscriberId, rule)), rule.currency());
    }

    @GetMapping("/auto-top-up")
    @Access(owner = true, scopes = Scopes.SUBSCRIBERS_READ)
    Mono<RuleResponse> get(@PathVariable String subscriberId) {
        return blocking(() -> response(subscriberId, directory.rule(subscriberId).orElseThrow(() ->
                new NotFoundException("Subscriber " + subscriberId + " has no auto top-up rule"))));
    }

    @PostMapping("/auto-top-up/pause")
    @Access(owner = true)
    Mono<RuleResponse> pause(@PathVariable String subscriberId) {
        return blocking(() -> response(subscriberId, manage.pause(subscriberId)));
    }

    @PostMapping("/auto-top-up/resume")
    @Access(owner = true)
    Mono<RuleResponse> resume(@PathVariable String subscriberId) {
        return blocking(() -> response(subscriberId, manage.resume(subscriberId)));
    }

    @DeleteMapping("/auto-top-up")
    @Access(owner = true)
    Mono<ResponseEntity<Void>> delete(@PathVariable String subscriberId) {
        return blocking(() -> {
            manage.delete(subscriberId);
            return ResponseEntity.noContent().build();
        });
    }

    @GetMapping("/top-ups")
    @Access(owner = true, scopes = Scopes.SUBSCRIBERS_READ)
    Mono<List<TopUpResponse>> topUps(@PathVariable String subscriberId, @RequestParam(defaultValue = "20") int limit) {
        if (limit < 1 || limit > 100) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "limit must be between 1 and 100");
        }
        return blocking(() -> directory.topUps(subscriberId).history().stream().limit(limit)
                .map(AutoTopUpController::toResponse).toList());
    }

    private static TopUpResponse toResponse(TopUpRecord record) {
        return new TopUpResponse(record.requestId(), MoneyJson.of(record.amount(), record.currency()),
                record.triggeringEventId(), record.status(), record.outcome(), Instant.ofEpochMilli(record.requestedAt()),
                Instant.ofEpochMilli(record.updatedAt()), record.manual() ? "MANUAL" : "AUTO");
    }

    private static <T> Mono<T> blocking(Callable<T> call) {
        return blocking(call, null);
    }

    private static <T> Mono<T> blocking(Callable<T> call, String currency) {
        return Mono.fromCallable(call).subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(NotFoundException.class, e -> new ResponseStatusException(HttpStatus.NOT_FOUND, e.getMessage()))
                .onErrorMap(InvalidRuleException.class, e -> fieldProblem(HttpStatus.UNPROCESSABLE_CONTENT, e, currency))
                .onErrorMap(BehindException.class, e -> new AskAgain(e.getMessage()));
    }

    /** 503 with Retry-After: the engine is behind on what it needs to answer. */
    static final class AskAgain extends ResponseStatusException {
        AskAgain(String detail) {
            super(HttpStatus.SERVICE_UNAVAILABLE, detail);
        }

        @Override
        public org.springframework.http.HttpHeaders getHeaders() {
            org.springframework.http.HttpHeaders headers = new org.springframework.http.HttpHeaders();
            headers.set(org.springframework.http.HttpHeaders.RETRY_AFTER, "1");
            return headers;
        }
    }

    private RuleResponse response(String subscriberId, AutoTopUpRule rule) {
        AutoTopUpAccount topUps = directory.topUps(subscriberId);
        Instant now = Instant.now();
        String currency = rule.currency();
        return new RuleResponse(subscriberId, MoneyJson.of(rule.threshold(), currency), rule.mode().name(),
                rule.mode() == AutoTopUpRule.Mode.FIXED ? MoneyJson.of(rule.topUpAmount(), currency) : null,
                rule.targetBalance() == null ? null : MoneyJson.of(rule.targetBalance(), currency), rule.paymentMethodId(),
                rule.maxTopUpsPerDay(), rule.maxAmountPerMonth() == null ? null : MoneyJson.of(rule.maxAmountPerMonth(), currency),
                rule.timeZone().getId(), rule.enabled(), topUps.liveState(rule, now), topUps.topUpsOn(rule, now),
                MoneyJson.of(topUps.amountIn(rule, now), currency), topUps.lastOutcome(), topUps.suspendedUntil(now).orElse(null));
    }

    private static AutoTopUpRule toRule(RuleRequest request) {
        try {
            if (request.threshold() == null) {
                throw new InvalidRuleException("threshold", "required", "threshold is required");
            }
            if (request.threshold().currency() == null || request.threshold().currency().isBlank()) {
                throw new InvalidRuleException("threshold", "currency", "amounts need an amount and a currency");
            }
            String currency = request.threshold().currency().toUpperCase(Locale.ROOT);
            long threshold = minorUnits(request.threshold(), currency, "threshold");
            AutoTopUpRule.Mode mode = mode(request.mode());
            long topUpAmount = 0;
            Long target = null;
            if (mode == AutoTopUpRule.Mode.FIXED) {
                topUpAmount = minorUnits(request.topUpAmount(), currency, "topUpAmount");
            } else {
                target = minorUnits(request.targetBalance(), currency, "targetBalance");
            }
            Long monthly = request.maxAmountPerMonth() == null ? null
                    : minorUnits(request.maxAmountPerMonth(), currency, "maxAmountPerMonth");
            ZoneId zone = request.timeZone() == null ? AutoTopUpRule.DEFAULT_TIME_ZONE : ZoneId.of(request.timeZone());
            int perDay = request.maxTopUpsPerDay() == null ? AutoTopUpRule.DEFAULT_MAX_TOP_UPS_PER_DAY : request.maxTopUpsPerDay();
            return new AutoTopUpRule(threshold, mode, topUpAmount, target, currency,
                    request.paymentMethodId(), perDay, monthly, zone, request.enabled() == null || request.enabled());
        } catch (DateTimeException e) {
            throw fieldProblem(HttpStatus.BAD_REQUEST, new InvalidRuleException("timeZone", "unknown", "timeZone '"
                    + request.timeZone() + "' is not an IANA time zone such as Asia/Vientiane"));
        } catch (InvalidRuleException e) {
            throw fieldProblem(HttpStatus.BAD_REQUEST, e);
        }
    }

    private static AutoTopUpRule.Mode mode(String mode) {
        try {
            return mode == null ? AutoTopUpRule.Mode.FIXED : AutoTopUpRule.Mode.valueOf(mode.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRuleException("mode", "unknown", "mode must be FIXED or TARGET");
        }
    }

    private static long minorUnits(MoneyJson money, String currency, String field) {
        if (money == null || money.amount() == null || money.amount().isBlank()) {
            throw new InvalidRuleException(field, "required", field + " is required");
        }
        if (!currency.equalsIgnoreCase(money.currency())) {
            throw new InvalidRuleException(field, "currency", field + " must be in the same currency as threshold");
        }
        try {
            return new MoneyJson(money.amount(), currency).toMinorUnits();
        } catch (IllegalArgumentException e) {
            if (isHugeNumber(money.amount())) {
                throw new InvalidRuleException(field, "too_large", field + ": " + e.getMessage());
            }
            throw new InvalidRuleException(field, "not_an_amount", field + ": " + e.getMessage());
        }
    }

    /** A number, but beyond any amount a wallet holds: said as such, not as "not an amount". */
    private static boolean isHugeNumber(String amount) {
        try {
            return new java.math.BigDecimal(amount.trim()).abs().compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE, 2)) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * A problem body that names the field at fault and a code for it ({@code field}, {@code code}, and {@code limit}
     * where a ceiling was passed), so that a form can show the error beside the field in its own language.
     */
    private static ResponseStatusException fieldProblem(HttpStatus status, InvalidRuleException e) {
        return fieldProblem(status, e, null);
    }

    private static ResponseStatusException fieldProblem(HttpStatus status, InvalidRuleException e, String currency) {
        ResponseStatusException problem = new ResponseStatusException(status, e.getMessage());
        if (e.field() != null) {
            problem.getBody().setProperty("field", e.field());
        }
        problem.getBody().setProperty("code", e.code());
        if (e.limitMinorUnits() != null && currency != null) {
            problem.getBody().setProperty("limit", MoneyJson.of(e.limitMinorUnits(), currency));
        }
        return problem;
    }
}
