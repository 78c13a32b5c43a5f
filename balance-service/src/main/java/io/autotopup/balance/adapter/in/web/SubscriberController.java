package io.autotopup.balance.adapter.in.web;

import io.autotopup.balance.application.AdjustBalance;
import io.autotopup.balance.application.RegisterSubscriber;
import io.autotopup.balance.application.RegisterSubscriber.MsisdnAlreadyRegisteredException;
import io.autotopup.balance.application.RegisterSubscriberCommand;
import io.autotopup.balance.application.SubscriberDirectory;
import io.autotopup.balance.application.VerifySubscriber;
import io.autotopup.platform.Msisdns;
import io.autotopup.platform.security.Access;
import io.autotopup.platform.security.AccessDecisions;
import io.autotopup.platform.security.Callers;
import io.autotopup.platform.security.Scopes;
import io.autotopup.platform.web.ClientAddresses;
import io.autotopup.platform.web.MoneyJson;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Subscribers: registration, profile, balance, ledger history, operator adjustments. Errors are RFC 9457 problem details. */
@RestController
class SubscriberController {

    private static final int MAX_LEDGER_LIMIT = 100;

    private final ClientAddresses clientAddresses;
    private final RegisterSubscriber registerSubscriber;
    private final VerifySubscriber verifySubscriber;
    private final AdjustBalance adjustBalance;
    private final SubscriberDirectory directory;

    SubscriberController(RegisterSubscriber registerSubscriber, VerifySubscriber verifySubscriber, AdjustBalance adjustBalance,
            SubscriberDirectory directory,
            @org.springframework.beans.factory.annotation.Value("${autotopup.security.trusted-proxies:}") String trustedProxies) {
        this.clientAddresses = new ClientAddresses(trustedProxies);
        this.registerSubscriber = registerSubscriber;
        this.verifySubscriber = verifySubscriber;
        this.adjustBalance = adjustBalance;
        this.directory = directory;
    }

    record SignInRequest(String code) {
    }

    record SignInResponse(String subscriberId, String status) {
    }

    record CodeResponse(String subscriberId, String detail) {
    }

    record AdjustmentRequest(MoneyJson amount, String reason, String idempotencyKey) {
    }

    record AdjustmentResponse(String adjustmentId, String subscriberId, MoneyJson amount, String reason, String status) {
    }

    record ProfileResponse(String subscriberId, String msisdn, String currency, String language, String status, String iccid,
            String kycStatus) {
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

    /**
     * Registers a number (open to anyone, at most {@value VerifySubscriber#CODES_PER_ADDRESS_PER_HOUR} codes an hour
     * per client address); the code texted to it activates the subscriber at sign-in. The carrier's provisioning
     * ({@code balance:adjust}) may set an opening balance, is not held to the limit per address and texts no code:
     * its subscribers are activated by their first sign-in.
     */
    @PostMapping("/v1/subscribers")
    @Access(open = true)
    Mono<ResponseEntity<SubscriberResponse>> register(@RequestBody RegistrationRequest request, ServerHttpRequest http,
            @RequestHeader(name = CLIENT_ADDRESS_HEADER, required = false) String forwardedAddress) {
        RegisterSubscriberCommand command = toCommand(request);
        return Callers.current()
                .flatMap(caller -> {
                    boolean provisioning = caller.map(c -> AccessDecisions.hasScope(c, Scopes.BALANCE_ADJUST)).orElse(false);
                    if (command.openingBalance() != 0 && !provisioning) {
                        return Mono.error(new ResponseStatusException(HttpStatus.FORBIDDEN,
                                "An opening balance is set by the carrier (scope " + Scopes.BALANCE_ADJUST + ")"));
                    }
                    // the carrier's provisioning registers many numbers from one address, and texts none of them; the
                    // authorization server signs people up on their behalf, and says from where
                    boolean authorizationServer = caller.map(c -> AccessDecisions.hasScope(c, Scopes.SIGN_IN)).orElse(false);
                    String clientAddress = authorizationServer && forwardedAddress != null ? forwardedAddress : clientAddress(http);
                    return Mono.fromCallable(() -> provisioning ? registerSubscriber.provision(command)
                                    : registerSubscriber.signUp(command, clientAddress))
                            .subscribeOn(Schedulers.boundedElastic());
                })
                .onErrorMap(MsisdnAlreadyRegisteredException.class,
                        e -> problem(new ResponseStatusException(HttpStatus.CONFLICT, "MSISDN " + command.msisdn()
                                + " is already registered to an active subscriber"), "ALREADY_REGISTERED", null))
                .onErrorMap(VerifySubscriber.TooManyCodesException.class, SubscriberController::signInProblem)
                .map(id -> ResponseEntity.created(URI.create("/v1/subscribers/" + id)).body(new SubscriberResponse(
                        id, command.msisdn(), command.currency(), command.language(), "PENDING_VERIFICATION")));
    }

    /** Which subscriber a number belongs to: for the authorization server, which signs the number's holder in. */
    @GetMapping("/v1/subscriber-numbers/{msisdn}")
    @Access(scopes = {Scopes.SIGN_IN, Scopes.SUBSCRIBERS_READ})
    Mono<SignInResponse> number(@PathVariable String msisdn) {
        String e164 = Msisdns.toE164(msisdn).orElseThrow(() -> new ResponseStatusException(HttpStatus.BAD_REQUEST,
                "'" + msisdn + "' is not a valid phone number"));
        return Mono.fromCallable(() -> directory.subscriberIdByMsisdn(e164).flatMap(directory::profile))
                .subscribeOn(Schedulers.boundedElastic())
                .map(found -> found.map(profile -> new SignInResponse(profile.subscriberId(), profile.status()))
                        .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No subscriber has the number " + e164)));
    }

    /**
     * Texts a one-time code to sign in with: at most one a minute and 5 an hour per number, 20 an hour per client
     * address ({@value #CLIENT_ADDRESS_HEADER}, as the authorization server saw it); 429 with Retry-After beyond.
     */
    @PostMapping("/v1/subscribers/{subscriberId}/sign-in-code")
    @Access(scopes = Scopes.SIGN_IN)
    Mono<ResponseEntity<CodeResponse>> signInCode(@PathVariable String subscriberId,
            @RequestHeader(name = CLIENT_ADDRESS_HEADER, required = false) String clientAddress) {
        return verification(() -> verifySubscriber.issueCode(subscriberId, clientAddress))
                .then(Mono.just(ResponseEntity.accepted().body(new CodeResponse(subscriberId, "A code was texted to the number"))));
    }

    /** Checks a one-time code; the right one signs the subscriber in (and activates a new one). The code works once. */
    @PostMapping("/v1/subscribers/{subscriberId}/sign-in")
    @Access(scopes = Scopes.SIGN_IN)
    Mono<SignInResponse> signIn(@PathVariable String subscriberId, @RequestBody SignInRequest request) {
        if (request.code() == null || !request.code().matches("\\d{6}")) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "code must be the 6 digits of the SMS");
        }
        java.util.concurrent.atomic.AtomicReference<VerifySubscriber.SignedIn> signedIn = new java.util.concurrent.atomic.AtomicReference<>();
        return verification(() -> signedIn.set(verifySubscriber.signIn(subscriberId, request.code())))
                .then(Mono.fromSupplier(() -> new SignInResponse(signedIn.get().subscriberId(), signedIn.get().status())));
    }

    /** The header in which the authorization server passes on the address of the person signing in. */
    static final String CLIENT_ADDRESS_HEADER = "X-Autotopup-Client-Address";

    /** The peer's address, or the one a trusted proxy saw ({@link ClientAddresses}): what open registration is limited by. */
    private String clientAddress(ServerHttpRequest http) {
        String peer = http.getRemoteAddress() == null || http.getRemoteAddress().getAddress() == null ? null
                : http.getRemoteAddress().getAddress().getHostAddress();
        return clientAddresses.of(peer, http.getHeaders().getFirst("X-Forwarded-For"));
    }

    private static Mono<Void> verification(Runnable call) {
        return Mono.fromRunnable(call).subscribeOn(Schedulers.boundedElastic()).onErrorMap(SubscriberController::signInProblem).then();
    }

    /** The answers of registration and sign-in, each with a {@code reason} the authorization server tells people in their language. */
    private static Throwable signInProblem(Throwable e) {
        if (e instanceof VerifySubscriber.TooManyCodesException tooMany) {
            String reason = e instanceof VerifySubscriber.LockedException ? "LOCKED"
                    : e instanceof VerifySubscriber.AddressLimitException ? "ADDRESS_LIMIT"
                    : e instanceof VerifySubscriber.CeilingException || e instanceof VerifySubscriber.CountryLimitException
                    ? "CODES_PAUSED" : "TOO_MANY_CODES";
            return problem(new TooManyAttempts(e.getMessage(), tooMany.retryAfter()), reason, null);
        }
        if (e instanceof VerifySubscriber.WrongCodeException wrong) {
            return problem(new ResponseStatusException(HttpStatus.UNPROCESSABLE_CONTENT, e.getMessage()), "WRONG_CODE", wrong.attemptsLeft());
        }
        if (e instanceof VerifySubscriber.ExpiredException) {
            return problem(new ResponseStatusException(HttpStatus.UNPROCESSABLE_CONTENT, e.getMessage()), "EXPIRED_CODE", null);
        }
        if (e instanceof VerifySubscriber.NoCodeException) {
            return problem(new ResponseStatusException(HttpStatus.UNPROCESSABLE_CONTENT, e.getMessage()), "NO_CODE", null);
        }
        if (e instanceof AdjustBalance.UnknownSubscriberException) {
            return problem(new ResponseStatusException(HttpStatus.NOT_FOUND, e.getMessage()), "UNKNOWN_NUMBER", null);
        }
        if (e instanceof VerifySubscriber.ClosedException) {
            return problem(new ResponseStatusException(HttpStatus.CONFLICT, e.getMessage()), "CLOSED", null);
        }
        if (e instanceof MsisdnAlreadyRegisteredException) {
            return problem(new ResponseStatusException(HttpStatus.CONFLICT, e.getMessage()), "ALREADY_REGISTERED", null);
        }
        return e;
    }

    private static ResponseStatusException problem(ResponseStatusException exception, String reason, Integer attemptsLeft) {
        exception.getBody().setProperty("reason", reason);
        if (attemptsLeft != null) {
            exception.getBody().setProperty("attemptsLeft", attemptsLeft);
        }
        return exception;
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

    @GetMapping("/v1/subscribers/{subscriberId}/balance")
    @Access(owner = true, scopes = Scopes.SUBSCRIBERS_READ)
    Mono<BalanceResponse> balance(@PathVariable String subscriberId) {
        return Mono.fromCallable(() -> directory.balanceOf(subscriberId))
                .subscribeOn(Schedulers.boundedElastic())
                .map(found -> found.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                        "No subscriber " + subscriberId)))
                .map(b -> new BalanceResponse(b.subscriberId(), MoneyJson.of(b.minorUnits(), b.currency()), b.version()));
    }

    /** The profile: the subscriber's own, or any to an operator. */
    @GetMapping("/v1/subscribers/{subscriberId}")
    @Access(owner = true, scopes = Scopes.SUBSCRIBERS_READ)
    Mono<ProfileResponse> profile(@PathVariable String subscriberId) {
        return Mono.fromCallable(() -> directory.profile(subscriberId))
                .subscribeOn(Schedulers.boundedElastic())
                .map(found -> found.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                        "No subscriber " + subscriberId)))
                .map(p -> new ProfileResponse(p.subscriberId(), p.msisdn(), p.currency(), p.language(), p.status(), p.iccid(),
                        directory.kycStatus(p.subscriberId())));
    }

    /** What a subscriber may change of their profile: the language of their texts. */
    record ProfileChange(String language) {
    }

    /** The subscriber changes the language of their texts: one of lo, en, zh, th (400 otherwise). */
    @PatchMapping("/v1/subscribers/{subscriberId}")
    @Access(owner = true)
    Mono<ProfileResponse> changeProfile(@PathVariable String subscriberId, @RequestBody ProfileChange change) {
        return Mono.fromCallable(() -> registerSubscriber.chooseLanguage(subscriberId,
                        change.language() == null ? null : change.language().toLowerCase(java.util.Locale.ROOT)))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(IllegalArgumentException.class, e -> new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage()))
                .onErrorMap(java.util.NoSuchElementException.class, e -> new ResponseStatusException(HttpStatus.NOT_FOUND, e.getMessage()))
                .map(p -> new ProfileResponse(p.subscriberId(), p.msisdn(), p.currency(), p.language(), p.status(), p.iccid(),
                        directory.kycStatus(p.subscriberId())));
    }

    /**
     * The ledger, newest first, a page at a time: {@code limit} entries (at most 100) of versions below {@code before}
     * (the newest without it). A full page carries a {@code Link} header ({@code rel="next"}) to the page after,
     * whose cursor is the version of this page's last entry, so paging goes back through the whole history kept.
     */
    @GetMapping("/v1/subscribers/{subscriberId}/ledger")
    @Access(owner = true, scopes = Scopes.SUBSCRIBERS_READ)
    Mono<ResponseEntity<List<LedgerResponse>>> ledger(@PathVariable String subscriberId,
            @RequestParam(defaultValue = "20") int limit, @RequestParam(required = false) Long before) {
        if (limit < 1 || limit > MAX_LEDGER_LIMIT) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "limit must be between 1 and " + MAX_LEDGER_LIMIT);
        }
        if (before != null && before < 1) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "before must be a version of 1 or more, not " + before);
        }
        return Mono.fromCallable(() -> {
                    if (directory.profile(subscriberId).isEmpty()) {
                        throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No subscriber " + subscriberId);
                    }
                    List<LedgerResponse> page = directory.ledger(subscriberId, before == null ? Long.MAX_VALUE : before, limit)
                            .stream().map(line -> new LedgerResponse(line.version(), line.reason(), line.description(),
                                    MoneyJson.of(line.amount(), line.currency()), MoneyJson.of(line.balanceAfter(), line.currency()),
                                    line.causationId(), Instant.ofEpochMilli(line.occurredAt()))).toList();
                    ResponseEntity.BodyBuilder answer = ResponseEntity.ok();
                    if (page.size() == limit && page.get(page.size() - 1).version() > 1) {
                        answer.header(HttpHeaders.LINK, "</v1/subscribers/" + subscriberId + "/ledger?limit=" + limit
                                + "&before=" + page.get(page.size() - 1).version() + ">; rel=\"next\"");
                    }
                    return answer.body(page);
                })
                .subscribeOn(Schedulers.boundedElastic());
    }

    /** An operator's credit or debit: applied once per idempotency key, asynchronously (202). */
    @PostMapping("/v1/subscribers/{subscriberId}/adjustments")
    @Access(scopes = Scopes.BALANCE_ADJUST)
    Mono<ResponseEntity<AdjustmentResponse>> adjust(@PathVariable String subscriberId, @RequestBody AdjustmentRequest request) {
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
