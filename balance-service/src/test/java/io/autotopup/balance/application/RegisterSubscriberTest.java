package io.autotopup.balance.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autotopup.balance.application.RegisterSubscriber.MsisdnAlreadyRegisteredException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegisterSubscriberTest {

    private final List<String> published = new ArrayList<>();
    private final SubscriberDirectory emptyDirectory = new EmptyDirectory();
    private final List<String> codesIssued = new ArrayList<>();
    private final VerifySubscriber verification = new VerifySubscriber(emptyDirectory, new VerifySubscriber.VerificationEvents() {
        @Override
        public void codeIssued(String subscriberId, String msisdn, String language, String sealedCode, String codeHash,
                Instant issuedAt, Instant expiresAt) {
            codesIssued.add(msisdn);
        }

        @Override
        public void attemptFailed(String subscriberId, Instant at) {
        }

        @Override
        public void activated(SubscriberDirectory.SubscriberProfile subscriber) {
        }
    }, new CodeVault() {
        @Override
        public String newCode() {
            return "123456";
        }

        @Override
        public String seal(String code) {
            return "sealed";
        }

        @Override
        public String hash(String subscriberId, String code) {
            return "hash";
        }

        @Override
        public boolean matches(String subscriberId, String code, String hash) {
            return false;
        }
    }, Clock.systemUTC());

    @Test
    void a_second_registration_of_a_number_before_the_directory_knows_the_first_is_refused() {
        RegisterSubscriber register = new RegisterSubscriber(emptyDirectory, (id, command) -> published.add(id), verification,
                Clock.fixed(Instant.parse("2026-11-24T03:00:00Z"), ZoneOffset.UTC));

        register.register(command("+8562055512345"));

        assertThatThrownBy(() -> register.register(command("+8562055512345")))
                .isInstanceOf(MsisdnAlreadyRegisteredException.class);
        assertThat(published).hasSize(1);
        register.register(command("+8562055512346"));
        assertThat(published).hasSize(2);
        assertThat(codesIssued).as("a code is texted to each new number").containsExactly("+8562055512345", "+8562055512346");
    }

    @Test
    void a_registration_that_was_not_published_does_not_hold_the_number() {
        List<Integer> attempts = new ArrayList<>();
        RegisterSubscriber register = new RegisterSubscriber(emptyDirectory, (id, command) -> {
            attempts.add(1);
            if (attempts.size() == 1) {
                throw new IllegalStateException("Kafka did not acknowledge");
            }
        }, verification, Clock.offset(Clock.systemUTC(), Duration.ZERO));

        assertThatThrownBy(() -> register.register(command("+8562055512345"))).isInstanceOf(IllegalStateException.class);
        register.register(command("+8562055512345"));

        assertThat(attempts).hasSize(2);
    }

    private static RegisterSubscriberCommand command(String msisdn) {
        return new RegisterSubscriberCommand(msisdn, "LAK", "lo", 0, null);
    }
}
