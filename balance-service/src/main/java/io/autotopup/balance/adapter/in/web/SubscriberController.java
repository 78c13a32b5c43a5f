package io.autotopup.balance.adapter.in.web;

import io.autotopup.balance.application.AdjustBalance;
import io.autotopup.balance.application.RegisterSubscriber;
import io.autotopup.balance.application.RegisterSubscriber.MsisdnAlreadyRegisteredException;
import io.autotopup.balance.application.RegisterSubscriberCommand;
import io.autotopup.balance.application.SubscriberDirectory;
import io.autotopup.balance.application.VerifySubscriber;
import io.autotopup.platform.Msisdns;
import io.autotopup.platform.web.MoneyJson;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Subscribers: registration, profile, balance, ledger history, operator adjustments. Errors are RFC 9457 problem details. */
@RestController
@RequestMapping("/v1/subscribers")
class SubscriberController {

    private static final int MAX_LEDGER_LIMIT = 100;

    private final RegisterSubscriber registerSubscriber;
    private final VerifySubscriber verifySubscriber;
    private final AdjustBalance adjustBalance;
    private final SubscriberDirectory directory;
    private final OperatorKey operatorKey;

    SubscriberController(RegisterSubscriber registerSubscriber, VerifySubscriber verifySubscriber, AdjustBalance adjustBalance,
            SubscriberDirectory directory, OperatorKey operatorKey) {
        this.registerSubscriber = registerSubscriber;
        this.verifySubscriber = verifySubscriber;
        this.adjustBalance = adjustBalance;
        this.directory = directory;
        this.operatorKey = operatorKey;
    }

    record VerificationRequest(String code) {
    }

    record VerificationResponse(String subscriberId, String status) {
    }

    record AdjustmentRequest(MoneyJson amount, String reason, String idempotencyKey) {
    }

    record AdjustmentResponse(String adjustmentId, String subscriberId, MoneyJson amount, String reason, String status) {
    }

    record ProfileResponse(String subscriberId, String msisdn, String currency, String language, String status, String iccid) {
    }

    record LedgerResponse(long version, String reason, String description, MoneyJson amount, MoneyJson balanceAfter,
            String causationId, Instant occurredAt) {
    }

    record RegistrationRequest(String msisdn, String currency, String language, MoneyJson openingBalance, String iccid) {
    }

    record SubscriberResponse(String subscriberId, String msisdn, String currency, String language, String status) {
    }

    record BalanceResponse(String subscriberId, MoneyJson balance, long version) {
    }

    @PostMapping
    Mono<ResponseEntity<SubscriberResponse>> register(@RequestBody RegistrationRequest request) {
        RegisterSubscriberCommand command = toCommand(request);
        return Mono.fromCallable(() -> registerSubscriber.register(command))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(MsisdnAlreadyRegisteredException.class,
                        e -> new ResponseStatusException(HttpStatus.CONFLICT, "MSISDN " + command.msisdn()
                                + " is already registered to an active subscriber"))
                .map(id -> ResponseEntity.created(URI.create("/v1/subscribers/" + id)).body(new SubscriberResponse(
                        id, command.msisdn(), command.currency(), command.language(), "PENDING_VERIFICATION")));
    }

    /** The one-time code texted at registration; the right one activates the subscriber. */
    @PostMapping("/{subscriberId}/verification")
    Mono<VerificationResponse> verify(@PathVariable String subscriberId, @RequestBody VerificationRequest request) {
        if (request.code() == null || !request.code().matches("\\d{6}")) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "code must be the 6 digits of the SMS");
        }
        return verification(() -> verifySubscriber.verify(subscriberId, request.code()))
                .then(Mono.just(new VerificationResponse(subscriberId, "ACTIVE")));
    }

    /** Texts a new code (the old one stops working). */
    @PostMapping("/{subscriberId}/verification-code")
    Mono<ResponseEntity<VerificationResponse>> resendCode(@PathVariable String subscriberId) {
        return verification(() -> verifySubscriber.resendCode(subscriberId))
                .then(Mono.just(ResponseEntity.accepted().body(new VerificationResponse(subscriberId, "PENDING_VERIFICATION"))));
    }

    private static Mono<Void> verification(Runnable call) {
        return Mono.fromRunnable(call).subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(AdjustBalance.UnknownSubscriberException.class,
                        e -> new ResponseStatusException(HttpStatus.NOT_FOUND, e.getMessage()))
                .onErrorMap(VerifySubscriber.AlreadyVerifiedException.class,
                        e -> new ResponseStatusException(HttpStatus.CONFLICT, e.getMessage()))
                .onErrorMap(e -> e instanceof VerifySubscriber.WrongCodeException || e instanceof VerifySubscriber.ExpiredException
                        || e instanceof VerifySubscriber.NoCodeException,
                        e -> new ResponseStatusException(HttpStatus.UNPROCESSABLE_CONTENT, e.getMessage()))
                .onErrorMap(VerifySubscriber.LockedException.class, e -> new TooManyAttempts(e.getMessage(), e.retryAfter()))
                .then();
    }

    /** 429 with Retry-After while verification is locked. */
    static final class TooManyAttempts extends ResponseStatusException {
        private final java.time.Duration retryAfter;

        TooManyAttempts(String detail, java.time.Duration retryAfter) {
            super(HttpStatus.TOO_MANY_REQUESTS, detail);
            this.retryAfter = retryAfter;
        }

        @Override
        public org.springframework.http.HttpHeaders getHeaders() {
            org.springframework.http.HttpHeaders headers = new org.springframework.http.HttpHeaders();
            headers.set(org.springframework.http.HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfter.toSeconds())));
            return headers;
        }
    }

    @GetMapping("/{subscriberId}/balance")
    Mono<BalanceResponse> balance(@PathVariable String subscriberId) {
        return Mono.fromCallable(() -> directory.balanceOf(subscriberId))
                .subscribeOn(Schedulers.boundedElastic())
                .map(found -> found.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                        "No subscriber " + subscriberId)))
                .map(b -> new BalanceResponse(b.subscriberId(), MoneyJson.of(b.minorUnits(), b.currency()), b.version()));
    }

    /** The profile; the MSISDN is masked unless the caller is the operator. */
    @GetMapping("/{subscriberId}")
    Mono<ProfileResponse> profile(@PathVariable String subscriberId,
            @RequestHeader(name = OperatorKey.HEADER, required = false) String key) {
        boolean operator = operatorKey.matches(key);
        return Mono.fromCallable(() -> directory.profile(subscriberId))
                .subscribeOn(Schedulers.boundedElastic())
                .map(found -> found.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                        "No subscriber " + subscriberId)))
                .map(p -> new ProfileResponse(p.subscriberId(), operator ? p.msisdn() : Msisdns.mask(p.msisdn()),
                        p.currency(), p.language(), p.status(), operator ? p.iccid() : null));
    }

    /** The latest ledger entries, newest first. */
    @GetMapping("/{subscriberId}/ledger")
    Mono<List<LedgerResponse>> ledger(@PathVariable String subscriberId, @RequestParam(defaultValue = "20") int limit) {
        if (limit < 1 || limit > MAX_LEDGER_LIMIT) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "limit must be between 1 and " + MAX_LEDGER_LIMIT);
        }
        return Mono.fromCallable(() -> {
                    if (directory.profile(subscriberId).isEmpty()) {
                        throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No subscriber " + subscriberId);
                    }
                    return directory.ledger(subscriberId, limit).stream().map(line -> new LedgerResponse(line.version(),
                            line.reason(), line.description(), MoneyJson.of(line.amount(), line.currency()),
                            MoneyJson.of(line.balanceAfter(), line.currency()), line.causationId(),
                            Instant.ofEpochMilli(line.occurredAt()))).toList();
                })
                .subscribeOn(Schedulers.boundedElastic());
    }

    /** An operator's credit or debit: applied once per idempotency key, asynchronously (202). */
    @PostMapping("/{subscriberId}/adjustments")
    Mono<ResponseEntity<AdjustmentResponse>> adjust(@PathVariable String subscriberId,
            @RequestHeader(name = OperatorKey.HEADER, required = false) String key, @RequestBody AdjustmentRequest request) {
        if (!operatorKey.matches(key)) {
            throw new ResponseStatusException(HttpStatus.UNAUTHORIZED, "Adjustments need the operator key in "
                    + OperatorKey.HEADER);
        }
        AdjustBalance.Command command;
        try {
            if (request.amount() == null) {
                throw new IllegalArgumentException("amount is required");
            }
            command = new AdjustBalance.Command(subscriberId, request.amount().toMinorUnits(), request.amount().currency(),
                    request.reason(), request.idempotencyKey());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
        }
        return Mono.fromRunnable(() -> adjustBalance.adjust(command))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(AdjustBalance.UnknownSubscriberException.class,
                        e -> new ResponseStatusException(HttpStatus.NOT_FOUND, e.getMessage()))
                .onErrorMap(AdjustBalance.WrongCurrencyException.class,
                        e -> new ResponseStatusException(HttpStatus.UNPROCESSABLE_CONTENT, e.getMessage()))
                .then(Mono.just(ResponseEntity.accepted().location(URI.create("/v1/subscribers/" + subscriberId + "/ledger"))
                        .body(new AdjustmentResponse(command.idempotencyKey(), subscriberId,
                                MoneyJson.of(command.amount(), command.currency()), command.reason(), "ACCEPTED"))));
    }

    private static RegisterSubscriberCommand toCommand(RegistrationRequest request) {
        try {
            if (request.msisdn() == null) {
                throw new IllegalArgumentException("msisdn is required");
            }
            String msisdn = Msisdns.toE164(request.msisdn()).orElseThrow(() -> new IllegalArgumentException(
                    "msisdn '" + request.msisdn() + "' is not a valid phone number (E.164, or a Lao number such as 020 5555 1234)"));
            String currency = request.currency() == null ? null : request.currency().toUpperCase(Locale.ROOT);
            MoneyJson.fractionDigits(currency);
            long opening = 0;
            if (request.openingBalance() != null) {
                if (!currency.equals(request.openingBalance().currency())) {
                    throw new IllegalArgumentException("openingBalance must be in the account currency " + currency);
                }
                opening = request.openingBalance().toMinorUnits();
            }
            String language = request.language() == null ? "en" : request.language().toLowerCase(Locale.ROOT);
            return new RegisterSubscriberCommand(msisdn, currency, language, opening, request.iccid());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
        }
    }
}
