package io.autotopup.balance.adapter.in.web;

import io.autotopup.balance.application.RegisterSubscriber;
import io.autotopup.balance.application.RegisterSubscriber.MsisdnAlreadyRegisteredException;
import io.autotopup.balance.application.RegisterSubscriberCommand;
import io.autotopup.balance.application.SubscriberDirectory;
import io.autotopup.platform.Msisdns;
import io.autotopup.platform.web.MoneyJson;
import java.net.URI;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Subscriber registration and balance reads. Errors are RFC 9457 problem details. */
@RestController
@RequestMapping("/v1/subscribers")
class SubscriberController {

    private final RegisterSubscriber registerSubscriber;
    private final SubscriberDirectory directory;

    SubscriberController(RegisterSubscriber registerSubscriber, SubscriberDirectory directory) {
        this.registerSubscriber = registerSubscriber;
        this.directory = directory;
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
                        id, command.msisdn(), command.currency(), command.language(), "ACTIVE")));
    }

    @GetMapping("/{subscriberId}/balance")
    Mono<BalanceResponse> balance(@PathVariable String subscriberId) {
        return Mono.fromCallable(() -> directory.balanceOf(subscriberId))
                .subscribeOn(Schedulers.boundedElastic())
                .map(found -> found.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                        "No subscriber " + subscriberId)))
                .map(b -> new BalanceResponse(b.subscriberId(), MoneyJson.of(b.minorUnits(), b.currency()), b.version()));
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
