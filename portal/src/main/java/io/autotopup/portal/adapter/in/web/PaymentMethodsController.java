package io.autotopup.portal.adapter.in.web;

import io.autotopup.portal.application.ServiceRefusal;
import io.autotopup.portal.adapter.out.services.SubscriberServices;
import io.autotopup.portal.config.Languages;
import io.autotopup.portal.config.PortalProperties;
import io.autotopup.portal.domain.AutoTopUp;
import io.autotopup.portal.domain.PaymentMethod;
import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/**
 * Payment methods: the list (default first, then the order they are tried in), a card added through the gateway's
 * own card field (the portal only ever sees its token), a wallet added through the wallet's approval page, make
 * default, move up or down, remove.
 */
@Controller
class PaymentMethodsController {

    static final List<String> WALLETS = List.of("ALIPAY", "WECHAT_PAY", "BCEL_ONEPAY");
    private static final String WALLET_STATE = "autotopup.wallet-approval";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SubscriberServices services;
    private final PortalProperties properties;

    PaymentMethodsController(SubscriberServices services, PortalProperties properties) {
        this.services = services;
        this.properties = properties;
    }

    @GetMapping("/payment-methods")
    Mono<String> list(@AuthenticationPrincipal OidcUser user, @RequestParam(required = false) String done, Model model) {
        String subscriberId = user.getSubject();
        return Mono.zip(services.paymentMethods(subscriberId), services.rule(subscriberId)).map(all -> {
            List<PaymentMethod> methods = all.getT1();
            model.addAttribute("methods", methods);
            // removing the last method a live rule can charge pauses the rule: the page says so beside its button
            model.addAttribute("removingPausesRule", methods.size() == 1 && all.getT2().map(AutoTopUp::enabled).orElse(false));
            model.addAttribute("wallets", WALLETS);
            model.addAttribute("done", done);
            return "payment-methods";
        });
    }

    @GetMapping("/payment-methods/new-card")
    Mono<String> newCard(ServerWebExchange exchange, Model model) {
        return Mono.just(cardPage(exchange, model, null));
    }

    private String cardPage(ServerWebExchange exchange, Model model, String error) {
        URI portal = URI.create(properties.publicUrl());
        model.addAttribute("cardFieldUrl", UriComponentsBuilder.fromUriString(properties.gatewayUrl()).path("/hosted/card-field")
                .queryParam("parent", portal.getScheme() + "://" + portal.getRawAuthority())
                .queryParam("lang", Languages.of(exchange).getLanguage()).encode().build().toUriString());
        model.addAttribute("gatewayOrigin", properties.gatewayOrigin());
        model.addAttribute("error", error);
        return "new-card";
    }

    /** The card field's token (never a card number: the field sends that to the gateway only). */
    /** What the portal's form posts after the card field: the gateway's token. */
    record CardForm(String token) {
    }

    /** Which wallet to add. */
    record WalletForm(String wallet) {
    }

    @PostMapping("/payment-methods/cards")
    Mono<String> addCard(@AuthenticationPrincipal OidcUser user, @ModelAttribute CardForm form, ServerWebExchange exchange,
            Model model) {
        String token = form.token() == null ? "" : form.token();
        if (!token.matches("tok_[A-Za-z0-9]{8,64}")) {
            return Mono.just(cardPage(exchange, model, "card.error.no-token"));
        }
        return services.bind(user.getSubject(), token)
                .map(method -> "redirect:/payment-methods?done=card-added")
                .onErrorResume(ServiceRefusal.class, refusal -> refusal.notFound() ? Mono.error(refusal)
                        : Mono.just(cardPage(exchange, model, bindError(refusal))));
    }

    private static String bindError(ServiceRefusal refusal) {
        return switch (refusal.status()) {
            case 409 -> "card.error.duplicate";
            case 503 -> "card.error.unavailable";
            default -> "card.error.refused";
        };
    }

    /** Off to the wallet's approval page, with a state only this session knows, to come back with an agreement token. */
    @PostMapping("/payment-methods/wallets")
    Mono<String> addWallet(@ModelAttribute WalletForm form, ServerWebExchange exchange) {
        String wallet = form.wallet();
        if (!WALLETS.contains(wallet)) {
            return Mono.just("redirect:/payment-methods");
        }
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String state = HexFormat.of().formatHex(random);
        return exchange.getSession().map(session -> {
            session.getAttributes().put(WALLET_STATE, state);
            return "redirect:" + UriComponentsBuilder.fromUriString(properties.gatewayUrl()).path("/hosted/wallet-approval")
                    .queryParam("wallet", wallet).queryParam("state", state)
                    .queryParam("return_url", properties.publicUrl() + "/payment-methods/wallets/return")
                    .queryParam("lang", Languages.of(exchange).getLanguage()).encode().build().toUriString();
        });
    }

    @GetMapping("/payment-methods/wallets/return")
    Mono<String> walletApproved(@AuthenticationPrincipal OidcUser user, @RequestParam(defaultValue = "") String state,
            @RequestParam(required = false) String token, @RequestParam(required = false) String error, ServerWebExchange exchange) {
        return exchange.getSession().flatMap(session -> {
            String expected = (String) session.getAttributes().remove(WALLET_STATE);
            if (expected == null || !expected.equals(state)) {
                return Mono.just("redirect:/payment-methods?done=wallet-failed");
            }
            if (error != null || token == null) {
                return Mono.just("redirect:/payment-methods?done=wallet-cancelled");
            }
            return services.bind(user.getSubject(), token).map(method -> "redirect:/payment-methods?done=wallet-added")
                    .onErrorResume(ServiceRefusal.class, refusal -> refusal.notFound() ? Mono.error(refusal)
                            : Mono.just("redirect:/payment-methods?done=wallet-failed"));
        });
    }

    @PostMapping("/payment-methods/{paymentMethodId}/default")
    Mono<String> makeDefault(@AuthenticationPrincipal OidcUser user, @PathVariable String paymentMethodId) {
        return services.makeDefault(user.getSubject(), paymentMethodId).thenReturn("redirect:/payment-methods?done=default");
    }

    /**
     * Removes a method. If it was the last one and a rule is on, the rule is paused, as the page warned: it could only
     * fail (no method to charge) until another method is added, and then the subscriber resumes it.
     */
    @PostMapping("/payment-methods/{paymentMethodId}/remove")
    Mono<String> remove(@AuthenticationPrincipal OidcUser user, @PathVariable String paymentMethodId) {
        String subscriberId = user.getSubject();
        return services.remove(subscriberId, paymentMethodId).zipWith(services.rule(subscriberId))
                .flatMap(all -> all.getT1().isEmpty() && all.getT2().map(AutoTopUp::enabled).orElse(false)
                        ? services.pause(subscriberId).thenReturn("redirect:/payment-methods?done=removed-paused")
                        : Mono.just("redirect:/payment-methods?done=removed"));
    }

    /** One place up or down in the order the methods are tried in. */
    @PostMapping("/payment-methods/{paymentMethodId}/move")
    Mono<String> move(@AuthenticationPrincipal OidcUser user, @PathVariable String paymentMethodId,
            @RequestParam(defaultValue = "up") String direction) {
        String subscriberId = user.getSubject();
        return services.paymentMethods(subscriberId).flatMap(methods -> {
            List<String> order = new ArrayList<>(methods.stream().map(PaymentMethod::paymentMethodId).toList());
            int at = order.indexOf(paymentMethodId);
            if (at < 0) {
                return Mono.error(new ServiceRefusal(404, "No payment method " + paymentMethodId, null, null, null));
            }
            int to = "down".equals(direction) ? at + 1 : at - 1;
            if (to < 0 || to >= order.size()) {
                return Mono.just("redirect:/payment-methods");
            }
            order.set(at, order.get(to));
            order.set(to, paymentMethodId);
            return services.reorder(subscriberId, order).thenReturn("redirect:/payment-methods?done=moved");
        });
    }
}
