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
    private final VerificationWorld world = new VerificationWorld();
    private final VerifySubscriber verification = world.instance();

    @Test
    void a_second_registration_of_a_number_before_the_directory_knows_the_first_is_refused() {
        RegisterSubscriber register = new RegisterSubscriber(emptyDirectory, events((id, command) -> published.add(id)), verification,
                Clock.fixed(Instant.parse("2026-11-24T03:00:00Z"), ZoneOffset.UTC));

        register.signUp(command("+8562055512345"), "203.0.113.9");

        assertThatThrownBy(() -> register.signUp(command("+8562055512345"), "203.0.113.9"))
                .isInstanceOf(MsisdnAlreadyRegisteredException.class);
        assertThat(published).hasSize(1);
        register.signUp(command("+8562055512346"), "203.0.113.9");
        assertThat(published).hasSize(2);
        assertThat(world.texted).as("a code is texted to each new number").hasSize(2);
    }

    @Test
    void a_registration_that_was_not_published_does_not_hold_the_number() {
        List<Integer> attempts = new ArrayList<>();
        RegisterSubscriber register = new RegisterSubscriber(emptyDirectory, events((id, command) -> {
            attempts.add(1);
            if (attempts.size() == 1) {
                throw new IllegalStateException("Kafka did not acknowledge");
            }
        }), verification, Clock.offset(Clock.systemUTC(), Duration.ZERO));

        assertThatThrownBy(() -> register.signUp(command("+8562055512345"), "203.0.113.9")).isInstanceOf(IllegalStateException.class);
        register.signUp(command("+8562055512345"), "203.0.113.9");

        assertThat(attempts).hasSize(2);
    }

    @Test
    void registrations_from_one_address_beyond_twenty_an_hour_are_refused_before_anything_is_published() {
        RegisterSubscriber register = new RegisterSubscriber(emptyDirectory, events((id, command) -> published.add(id)), verification,
                Clock.systemUTC());
        for (int n = 0; n < 20; n++) {
            register.signUp(command(String.format("+85620555%05d", n)), "192.0.2.44");
        }

        assertThatThrownBy(() -> register.signUp(command("+8562055599999"), "192.0.2.44"))
                .isInstanceOf(VerifySubscriber.TooManyCodesException.class);
        assertThat(published).hasSize(20);
        register.signUp(command("+8562055599999"), "192.0.2.45");
        assertThat(published).hasSize(21);
    }

    @Test
    void a_number_the_carrier_provisions_is_texted_nothing_and_held_to_no_limit_per_address() {
        RegisterSubscriber register = new RegisterSubscriber(emptyDirectory, events((id, command) -> published.add(id)), verification,
                Clock.systemUTC());
        for (int n = 0; n < 30; n++) {
            register.provision(command(String.format("+85620557%05d", n)));
        }

        assertThat(published).hasSize(30);
        assertThat(world.texted).as("its holders asked for nothing yet").isEmpty();
    }

    @Test
    void a_subscriber_chooses_the_language_of_their_texts_among_the_four_we_write() {
        SubscriberDirectory known = new EmptyDirectory() {
            @Override
            public java.util.Optional<SubscriberProfile> profile(String subscriberId) {
                return "sub-1".equals(subscriberId) ? java.util.Optional.of(new SubscriberProfile("sub-1", "+8562055512345", "LAK",
                        "en", "ACTIVE", null)) : java.util.Optional.empty();
            }
        };
        RegisterSubscriber register = new RegisterSubscriber(known, events((id, command) -> published.add(id)), verification,
                Clock.systemUTC());

        assertThat(register.chooseLanguage("sub-1", "lo").language()).isEqualTo("lo");
        assertThat(languages).containsExactly("sub-1:lo");
        register.chooseLanguage("sub-1", "en");
        assertThat(languages).as("the language it already has: nothing to publish").hasSize(1);
        assertThatThrownBy(() -> register.chooseLanguage("sub-1", "fr")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lo, en, zh, th");
        assertThatThrownBy(() -> register.chooseLanguage("nobody", "lo")).isInstanceOf(java.util.NoSuchElementException.class);
        assertThat(languages).hasSize(1);
    }

    private final List<String> languages = new ArrayList<>();

    private SubscriberEvents events(java.util.function.BiConsumer<String, RegisterSubscriberCommand> registered) {
        return new SubscriberEvents() {
            @Override
            public void registered(String subscriberId, RegisterSubscriberCommand command) {
                registered.accept(subscriberId, command);
            }

            @Override
            public void languageChosen(SubscriberDirectory.SubscriberProfile subscriber, String language) {
                languages.add(subscriber.subscriberId() + ":" + language);
            }
        };
    }

    private static RegisterSubscriberCommand command(String msisdn) {
        return new RegisterSubscriberCommand(msisdn, "LAK", "lo", 0, null);
    }
}
