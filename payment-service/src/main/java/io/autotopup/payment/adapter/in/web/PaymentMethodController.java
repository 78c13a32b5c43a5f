package io.autotopup.payment.adapter.in.web;

import io.autotopup.platform.security.Access;
import io.autotopup.platform.security.Scopes;
import io.autotopup.payment.application.ManagePaymentMethods;
import io.autotopup.payment.application.PaymentGateway.GatewayUnavailableException;
import io.autotopup.payment.domain.PaymentMethod;
import io.autotopup.payment.domain.PaymentMethodRejectedException;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Binding and listing payment methods. Takes a gateway token only: a request that carries a card number
 * or CVV is refused without being stored or logged. Errors are RFC 9457 problem details.
 */
@RestController
@RequestMapping("/v1/subscribers/{subscriberId}/payment-methods")
class PaymentMethodController {

    private final ManagePaymentMethods managePaymentMethods;

    PaymentMethodController(ManagePaymentMethods managePaymentMethods) {
        this.managePaymentMethods = managePaymentMethods;
    }

    record BindRequest(String token, String number, String cardNumber, String pan, String cvc, String cvv) {
        boolean carriesCardData() {
            return number != null || cardNumber != null || pan != null || cvc != null || cvv != null;
        }
    }

    record MethodResponse(String paymentMethodId, String type, String brand, String last4, Integer expMonth,
            Integer expYear, int priority, boolean isDefault) {
        static MethodResponse of(PaymentMethod method) {
            return new MethodResponse(method.paymentMethodId(), method.type(), method.brand(), method.last4(),
                    method.expiry() == null ? null : method.expiry().getMonthValue(),
                    method.expiry() == null ? null : method.expiry().getYear(), method.priority(), method.isDefault());
        }
    }

    @PostMapping
    @Access(owner = true)
    Mono<ResponseEntity<MethodResponse>> bind(@PathVariable String subscriberId, @RequestBody BindRequest request) {
        if (request.carriesCardData()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                    "Send a gateway token, never a card number or CVV: tokenize the card at the gateway first");
        }
        if (request.token() == null || request.token().isBlank()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "token is required");
        }
        return Mono.fromCallable(() -> managePaymentMethods.bind(subscriberId, request.token()))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(PaymentMethodRejectedException.class, e -> new ResponseStatusException(
                        e.reason() == PaymentMethodRejectedException.Reason.DUPLICATE ? HttpStatus.CONFLICT
                                : HttpStatus.UNPROCESSABLE_CONTENT, e.getMessage()))
                .onErrorMap(GatewayUnavailableException.class,
                        e -> new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage()))
                .map(method -> ResponseEntity.created(URI.create("/v1/subscribers/" + subscriberId
                        + "/payment-methods/" + method.paymentMethodId())).body(MethodResponse.of(method)));
    }

    record OrderRequest(List<String> paymentMethodIds) {
    }

    @DeleteMapping("/{paymentMethodId}")
    @Access(owner = true)
    Mono<List<MethodResponse>> remove(@PathVariable String subscriberId, @PathVariable String paymentMethodId) {
        return change(() -> managePaymentMethods.remove(subscriberId, paymentMethodId));
    }

    @PostMapping("/{paymentMethodId}/default")
    @Access(owner = true)
    Mono<List<MethodResponse>> makeDefault(@PathVariable String subscriberId, @PathVariable String paymentMethodId) {
        return change(() -> managePaymentMethods.makeDefault(subscriberId, paymentMethodId));
    }

    @PutMapping("/order")
    @Access(owner = true)
    Mono<List<MethodResponse>> reorder(@PathVariable String subscriberId, @RequestBody OrderRequest request) {
        if (request.paymentMethodIds() == null) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "paymentMethodIds is required");
        }
        return change(() -> managePaymentMethods.reorder(subscriberId, request.paymentMethodIds()));
    }

    private static Mono<List<MethodResponse>> change(java.util.concurrent.Callable<List<PaymentMethod>> call) {
        return Mono.fromCallable(call).subscribeOn(Schedulers.boundedElastic())
                .map(methods -> methods.stream().map(MethodResponse::of).toList())
                .onErrorMap(PaymentMethodRejectedException.class, e -> new ResponseStatusException(
                        e.reason() == PaymentMethodRejectedException.Reason.UNKNOWN_METHOD ? HttpStatus.NOT_FOUND
                                : HttpStatus.UNPROCESSABLE_CONTENT, e.getMessage()));
    }

    @GetMapping
    @Access(owner = true, scopes = Scopes.PAYMENTS_READ)
    Mono<List<MethodResponse>> list(@PathVariable String subscriberId) {
        return Mono.fromCallable(() -> managePaymentMethods.list(subscriberId).stream().map(MethodResponse::of).toList())
                .subscribeOn(Schedulers.boundedElastic());
    }
}
