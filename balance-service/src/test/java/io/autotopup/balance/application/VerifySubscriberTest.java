package io.autotopup.balance.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autotopup.balance.domain.Verification;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The verification rules with the state the topology would keep, applied by hand. */
class VerifySubscriberTest {

    private static final Instant NOW = Instant.parse("2026-11-24T03:00:00Z");
    private final List<String> activated = new ArrayList<>();
    private final List<Instant> failures = new ArrayList<>();
    private String status = "PENDING_VERIFICATION";
    private Verification state = Verification.issued("hash-of-123456", NOW.plus(Verification.CODE_LIFETIME), null);

    private VerifySubscriber at(Instant now) {
        SubscriberDirectory directory = new EmptyDirectory() {
            @Override
            public Optional<SubscriberProfile> profile(String subscriberId) {
                return Optional.of(new SubscriberProfile(subscriberId, "+8562055512345", "LAK", "lo", status, null));
            }

            @Override
            public Optional<Verification> verification(String subscriberId) {
                return Optional.ofNullable(state);
            }
        };
        VerifySubscriber.VerificationEvents events = new VerifySubscriber.VerificationEvents() {
            @Override
            public void codeIssued(String subscriberId, String msisdn, String language, String sealedCode, String codeHash,
                    Instant issuedAt, Instant expiresAt) {
                state = Verification.issued(codeHash, expiresAt, state);
            }

            @Override
            public void attemptFailed(String subscriberId, Instant attemptedAt) {
                failures.add(attemptedAt);
                state = state.failedAt(attemptedAt);
            }

            @Override
            public void activated(SubscriberDirectory.SubscriberProfile subscriber) {
                activated.add(subscriber.subscriberId());
                status = "ACTIVE";
            }
        };
        CodeVault vault = new CodeVault() {
            @Override
            public String newCode() {
                return "654321";
            }

            @Override
            public String seal(String code) {
                return "sealed";
            }

            @Override
            public String hash(String subscriberId, String code) {
                return "hash-of-" + code;
            }

            @Override
            public boolean matches(String subscriberId, String code, String hash) {
                return hash.equals("hash-of-" + code);
            }
        };
        return new VerifySubscriber(directory, events, vault, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void the_right_code_activates_the_subscriber_once() {
        at(NOW.plusSeconds(60)).verify("sub-1", "123456");

        assertThat(activated).containsExactly("sub-1");
        assertThatThrownBy(() -> at(NOW.plusSeconds(61)).verify("sub-1", "123456"))
                .isInstanceOf(VerifySubscriber.AlreadyVerifiedException.class);
    }

    @Test
    void a_code_older_than_five_minutes_no_longer_works() {
        assertThatThrownBy(() -> at(NOW.plus(Duration.ofMinutes(5))).verify("sub-1", "123456"))
                .isInstanceOf(VerifySubscriber.ExpiredException.class);
        assertThat(activated).isEmpty();
    }

    @Test
    void five_wrong_codes_lock_verification_for_fifteen_minutes_even_for_the_right_code() {
        for (int i = 1; i <= 4; i++) {
            int left = 5 - i;
            assertThatThrownBy(() -> at(NOW).verify("sub-1", "000000"))
                    .isInstanceOfSatisfying(VerifySubscriber.WrongCodeException.class, e -> assertThat(e.attemptsLeft()).isEqualTo(left));
        }
        assertThatThrownBy(() -> at(NOW).verify("sub-1", "000000")).isInstanceOf(VerifySubscriber.LockedException.class);

        assertThatThrownBy(() -> at(NOW.plus(Duration.ofMinutes(14))).verify("sub-1", "123456"))
                .isInstanceOf(VerifySubscriber.LockedException.class);
        assertThatThrownBy(() -> at(NOW.plus(Duration.ofMinutes(14))).resendCode("sub-1"))
                .isInstanceOf(VerifySubscriber.LockedException.class);
        assertThat(failures).hasSize(5);

        at(NOW.plus(Duration.ofMinutes(16))).resendCode("sub-1");
        at(NOW.plus(Duration.ofMinutes(17))).verify("sub-1", "654321");
        assertThat(activated).containsExactly("sub-1");
    }
}
