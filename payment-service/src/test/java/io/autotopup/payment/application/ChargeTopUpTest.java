package io.autotopup.payment.application;

import static org.assertj.core.api.Assertions.assertThat;

import io.autotopup.payment.domain.ChargeAttempt;
import io.autotopup.payment.domain.ChargeResult;
import io.autotopup.payment.domain.PaymentMethod;
import io.autotopup.payment.domain.TopUpOutcome;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChargeTopUpTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T03:00:00Z"), ZoneOffset.UTC);

    private final List<String> charged = new ArrayList<>();
    private final List<PaymentGateway.ChargeMetadata> charges = new ArrayList<>();
    private Map<String, ChargeResult> answers = Map.of();
    private List<PaymentMethod> methods = List.of(card("pm-1", 1, true), card("pm-2", 2, false), card("pm-3", 3, false));
    private Set<String> settled = Set.of();

    private final PaymentGateway gateway = new PaymentGateway() {
        @Override
        public void attach(String token, String customer) {
        }

        @Override
        public ChargeResult charge(String idempotencyKey, String token, long amount, String currency, ChargeMetadata metadata) {
            charged.add(token);
            this.metadata.add(metadata);
            return answers.getOrDefault(token, new ChargeResult.Succeeded("ch-" + token));
        }

        private final List<ChargeMetadata> metadata = charges;

        @Override
        public List<GatewayCharge> chargesBetween(Instant from, Instant to) {
            return List.of();
        }

        @Override
        public Optional<TokenDetails> tokenDetails(String token) {
            return Optional.empty();
        }
    };

    private Optional<TopUpOutcome> charge(String requestedMethod) {
        PaymentMethodRepository repository = new PaymentMethodRepository() {
            @Override
            public List<PaymentMethod> methodsOf(String subscriberId) {
                return methods;
            }

            @Override
            public void save(String subscriberId, List<PaymentMethod> saved) {
            }
        };
        SettledPayments payments = requestId -> settled.contains(requestId) ? Optional.of(new SettledPayments.Settled(
                requestId, "sub-1", 1, "LAK", true, null, List.of(), Instant.EPOCH)) : Optional.empty();
        return new ChargeTopUp(gateway, repository, payments, CLOCK)
                .charge(new ChargeTopUp.Command("req-1", "sub-1", 50_000, "LAK", requestedMethod));
    }

    @Test
    void the_default_method_is_charged_first_and_a_success_ends_it() {
        TopUpOutcome outcome = charge(null).orElseThrow();

        assertThat(outcome).isInstanceOf(TopUpOutcome.Completed.class);
        assertThat(charged).containsExactly("tok-pm-1");
        assertThat(outcome.attempts()).extracting(ChargeAttempt::idempotencyKey).containsExactly("topup-req-1-pm-1");
    }

    @Test
    void the_requested_method_goes_first() {
        charge("pm-3");

        assertThat(charged).containsExactly("tok-pm-3");
    }

    @Test
    void a_soft_decline_moves_on_to_the_next_method() {
        answers = Map.of("tok-pm-1", ChargeResult.declined("insufficient_funds"));

        TopUpOutcome outcome = charge(null).orElseThrow();

        assertThat(outcome).isInstanceOfSatisfying(TopUpOutcome.Completed.class,
                completed -> assertThat(completed.paymentMethodId()).isEqualTo("pm-2"));
        assertThat(outcome.attempts()).extracting(ChargeAttempt::result)
                .containsExactly(ChargeAttempt.Result.DECLINED_SOFT, ChargeAttempt.Result.SUCCEEDED);
    }

    @Test
    void a_hard_decline_is_never_retried_on_that_method_and_all_declined_fails_with_the_reason() {
        answers = Map.of("tok-pm-1", ChargeResult.declined("stolen_card"), "tok-pm-2", ChargeResult.declined("do_not_honor"),
                "tok-pm-3", ChargeResult.declined("insufficient_funds"));

        TopUpOutcome outcome = charge(null).orElseThrow();

        assertThat(charged).containsExactly("tok-pm-1", "tok-pm-2", "tok-pm-3");
        assertThat(outcome).isInstanceOfSatisfying(TopUpOutcome.Failed.class,
                failed -> assertThat(failed.reason()).isEqualTo(TopUpOutcome.FailureReason.INSUFFICIENT_FUNDS));
    }

    @Test
    void only_hard_declines_fail_as_card_declined() {
        answers = Map.of("tok-pm-1", ChargeResult.declined("stolen_card"), "tok-pm-2", ChargeResult.declined("do_not_honor"),
                "tok-pm-3", ChargeResult.declined("expired_card"));

        assertThat(charge(null).orElseThrow()).isInstanceOfSatisfying(TopUpOutcome.Failed.class,
                failed -> assertThat(failed.reason()).isEqualTo(TopUpOutcome.FailureReason.CARD_DECLINED));
    }

    @Test
    void a_gateway_without_an_answer_ends_the_attempt_without_trying_other_methods() {
        answers = Map.of("tok-pm-1", new ChargeResult.Unavailable("circuit breaker open"));

        TopUpOutcome outcome = charge(null).orElseThrow();

        assertThat(charged).containsExactly("tok-pm-1");
        assertThat(outcome).isInstanceOfSatisfying(TopUpOutcome.Failed.class,
                failed -> assertThat(failed.reason()).isEqualTo(TopUpOutcome.FailureReason.GATEWAY_UNAVAILABLE));
    }

    @Test
    void an_expired_card_is_skipped_and_no_usable_method_fails_at_once() {
        methods = List.of(new PaymentMethod("pm-old", "CARD", "tok-old", "VISA", "0001", YearMonth.of(2025, 1), "fp", 1, true));

        TopUpOutcome outcome = charge(null).orElseThrow();

        assertThat(charged).isEmpty();
        assertThat(outcome).isInstanceOfSatisfying(TopUpOutcome.Failed.class,
                failed -> assertThat(failed.reason()).isEqualTo(TopUpOutcome.FailureReason.NO_PAYMENT_METHOD));
    }

    @Test
    void a_settled_request_is_not_charged_again() {
        settled = Set.of("req-1");

        assertThat(charge(null)).isEmpty();
        assertThat(charged).isEmpty();
    }

    /** The walk of issue 28: a wallet (no last four digits) as the default was charged, then the request dead-lettered. */
    @Test
    void a_charged_wallet_completes_its_top_up_and_the_charge_names_the_request_and_subscriber() {
        methods = List.of(new PaymentMethod("pm-wallet", "BCEL_ONEPAY", "tok-wallet", null, null, null, "fp-w", 0, true),
                card("pm-card", 1, false));

        TopUpOutcome outcome = charge(null).orElseThrow();

        assertThat(charged).containsExactly("tok-wallet");
        assertThat(outcome).isInstanceOfSatisfying(TopUpOutcome.Completed.class, completed -> {
            assertThat(completed.paymentMethodId()).isEqualTo("pm-wallet");
            assertThat(completed.paymentMethodLast4()).isNull();
            assertThat(completed.paymentReference()).isEqualTo("ch-tok-wallet");
        });
        assertThat(charges).containsExactly(new PaymentGateway.ChargeMetadata("req-1", "sub-1", "pm-wallet"));
    }

    private static PaymentMethod card(String id, int priority, boolean isDefault) {
        return new PaymentMethod(id, "CARD", "tok-" + id, "VISA", "4242", YearMonth.of(2030, 1), "fp-" + id, priority, isDefault);
    }
}
