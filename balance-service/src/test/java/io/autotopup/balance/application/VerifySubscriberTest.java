package io.autotopup.balance.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The rules of one-time codes at sign-in and activation, with the state the topology would keep applied by hand. */
class VerifySubscriberTest {

    private final VerificationWorld world = new VerificationWorld();

    @Test
    void the_right_code_signs_in_activates_a_waiting_subscriber_once_and_works_only_once() {
        world.subscriber("sub-1", "PENDING_VERIFICATION");
        VerifySubscriber service = world.instance();
        service.issueCode("sub-1", "203.0.113.7");
        String code = world.codeOf("sub-1");
        world.clock.advance(Duration.ofSeconds(30));

        VerifySubscriber.SignedIn signedIn = service.signIn("sub-1", code);

        assertThat(signedIn).isEqualTo(new VerifySubscriber.SignedIn("sub-1", "ACTIVE"));
        assertThat(world.activated).containsExactly("sub-1");
        assertThatThrownBy(() -> service.signIn("sub-1", code)).as("a code works once")
                .isInstanceOf(VerifySubscriber.NoCodeException.class);
        world.clock.advance(Duration.ofSeconds(60));
        service.issueCode("sub-1", "203.0.113.7");
        assertThat(service.signIn("sub-1", world.codeOf("sub-1")).status()).as("an active subscriber signs in again").isEqualTo("ACTIVE");
        assertThat(world.activated).as("activated once").containsExactly("sub-1");
    }

    @Test
    void a_code_older_than_five_minutes_no_longer_works() {
        world.subscriber("sub-1", "ACTIVE");
        VerifySubscriber service = world.instance();
        service.issueCode("sub-1", null);
        world.clock.advance(Duration.ofMinutes(5));

        assertThatThrownBy(() -> service.signIn("sub-1", world.codeOf("sub-1"))).isInstanceOf(VerifySubscriber.ExpiredException.class);
    }

    @Test
    void five_wrong_codes_lock_for_fifteen_minutes_even_the_right_code_and_no_code_is_texted_meanwhile() {
        world.subscriber("sub-1", "PENDING_VERIFICATION");
        VerifySubscriber service = world.instance();
        service.issueCode("sub-1", null);
        for (int left = 4; left >= 1; left--) {
            int expected = left;
            assertThatThrownBy(() -> service.signIn("sub-1", world.wrongCodeFor("sub-1")))
                    .isInstanceOfSatisfying(VerifySubscriber.WrongCodeException.class, e -> assertThat(e.attemptsLeft()).isEqualTo(expected));
        }
        assertThatThrownBy(() -> service.signIn("sub-1", world.wrongCodeFor("sub-1"))).isInstanceOf(VerifySubscriber.LockedException.class);

        world.clock.advance(Duration.ofMinutes(14));
        assertThatThrownBy(() -> service.signIn("sub-1", world.codeOf("sub-1"))).isInstanceOf(VerifySubscriber.LockedException.class);
        assertThatThrownBy(() -> service.issueCode("sub-1", null)).isInstanceOfSatisfying(VerifySubscriber.LockedException.class,
                e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofMinutes(1)));
        assertThat(world.failures).hasSize(5);

        world.clock.advance(Duration.ofMinutes(2));
        service.issueCode("sub-1", null);
        assertThat(service.signIn("sub-1", world.codeOf("sub-1")).status()).isEqualTo("ACTIVE");
    }

    @Test
    void asking_for_a_new_code_does_not_start_the_count_of_wrong_codes_again() {
        world.subscriber("sub-1", "ACTIVE");
        VerifySubscriber service = world.instance();
        service.issueCode("sub-1", null);
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> service.signIn("sub-1", world.wrongCodeFor("sub-1"))).isInstanceOf(VerifySubscriber.WrongCodeException.class);
        }
        world.clock.advance(Duration.ofSeconds(61));
        service.issueCode("sub-1", null);

        assertThatThrownBy(() -> service.signIn("sub-1", world.wrongCodeFor("sub-1"))).as("the fifth wrong code, over two codes")
                .isInstanceOf(VerifySubscriber.LockedException.class);
    }

    @Test
    void a_number_gets_one_code_a_minute_and_five_an_hour_and_is_told_when_to_ask_again() {
        world.subscriber("sub-1", "ACTIVE");
        VerifySubscriber service = world.instance();
        service.issueCode("sub-1", null);
        world.clock.advance(Duration.ofSeconds(20));

        assertThatThrownBy(() -> service.issueCode("sub-1", null)).isInstanceOfSatisfying(VerifySubscriber.TooManyCodesException.class,
                e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(40)));
        for (int i = 2; i <= 5; i++) {
            world.clock.advance(Duration.ofSeconds(60));
            service.issueCode("sub-1", null);
        }
        world.clock.advance(Duration.ofSeconds(60));
        assertThatThrownBy(() -> service.issueCode("sub-1", null)).as("a sixth code within the hour")
                .isInstanceOfSatisfying(VerifySubscriber.TooManyCodesException.class,
                        e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofHours(1).minus(Duration.ofSeconds(20 + 5 * 60))));
        assertThat(world.textedTo("sub-1")).hasSize(5);

        world.clock.advance(Duration.ofMinutes(55));
        service.issueCode("sub-1", null);
        assertThat(world.textedTo("sub-1")).hasSize(6);
    }

    @Test
    void an_address_gets_twenty_codes_an_hour_whatever_the_numbers_counted_across_two_instances() {
        VerifySubscriber first = world.instance();
        VerifySubscriber second = world.instance();
        for (int n = 0; n < 20; n++) {
            world.subscriber("sub-" + n, "ACTIVE");
            (n % 2 == 0 ? first : second).issueCode("sub-" + n, "198.51.100.20");
        }
        world.subscriber("sub-20", "ACTIVE");

        assertThatThrownBy(() -> first.issueCode("sub-20", "198.51.100.20")).isInstanceOfSatisfying(
                VerifySubscriber.TooManyCodesException.class, e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofHours(1)));
        assertThatThrownBy(() -> second.checkAddress("198.51.100.20")).as("registration from that address, too")
                .isInstanceOf(VerifySubscriber.TooManyCodesException.class);
        first.issueCode("sub-20", "198.51.100.21");
        assertThat(world.textedTo("sub-20")).as("another address is not held back").hasSize(1);
    }

    @Test
    void the_whole_service_texts_at_most_its_ceiling_of_codes_a_minute_from_any_addresses_and_counts_each_refusal() {
        world.limits = VerificationWorld.limits(30, 20);
        VerifySubscriber first = world.instance();
        VerifySubscriber second = world.instance();
        world.clock.advance(Duration.ofSeconds(60 - world.clock.instant().getEpochSecond() % 60 + 15));
        for (int n = 0; n < 30; n++) {
            world.subscriber("sub-" + n, "ACTIVE");
            // each from an address of its own: the per-address limit never holds them
            (n % 2 == 0 ? first : second).issueCode("sub-" + n, "198.51." + (n / 250) + "." + (n % 250));
        }
        world.subscriber("sub-30", "ACTIVE");

        assertThatThrownBy(() -> first.issueCode("sub-30", "203.0.113.7")).as("the 31st code of the minute")
                .isInstanceOfSatisfying(VerifySubscriber.CeilingException.class,
                        e -> assertThat(e.retryAfter()).as("until the next minute").isEqualTo(Duration.ofSeconds(45)));
        assertThatThrownBy(() -> second.checkAddress("203.0.113.8", "+8562055500001")).as("a registration, on the other instance")
                .isInstanceOf(VerifySubscriber.CeilingException.class);
        assertThat(first.ceilingRefusals() + second.ceilingRefusals()).as("what operators are alerted on").isEqualTo(2);

        world.clock.advance(Duration.ofSeconds(45));
        first.issueCode("sub-30", "203.0.113.7");
        assertThat(world.textedTo("sub-30")).as("the next minute texts again").hasSize(1);
    }

    @Test
    void numbers_of_a_foreign_country_code_get_their_own_hourly_count_and_home_numbers_do_not() {
        world.limits = VerificationWorld.limits(1_000, 3);
        VerifySubscriber service = world.instance();
        for (int n = 0; n < 3; n++) {
            world.subscriber("sub-th-" + n, "ACTIVE");
            world.numbers.put("sub-th-" + n, "+6681234567" + n);
            service.issueCode("sub-th-" + n, "198.51.100." + n);
        }
        world.subscriber("sub-th-3", "ACTIVE");
        world.numbers.put("sub-th-3", "+66812345673");

        assertThatThrownBy(() -> service.issueCode("sub-th-3", "203.0.113.9")).as("a fourth code to +66 within the hour")
                .isInstanceOfSatisfying(VerifySubscriber.CountryLimitException.class,
                        e -> assertThat(e.getMessage()).contains("+66"));
        assertThatThrownBy(() -> service.checkAddress("203.0.113.10", "+66812345674")).as("signing up a +66 number, too")
                .isInstanceOf(VerifySubscriber.CountryLimitException.class);
        world.subscriber("sub-vn", "ACTIVE");
        world.numbers.put("sub-vn", "+84912345678");
        service.issueCode("sub-vn", "203.0.113.11");
        for (int n = 0; n < 5; n++) {
            world.subscriber("sub-la-" + n, "ACTIVE");
            service.issueCode("sub-la-" + n, "192.0.2." + n);
        }
        assertThat(world.texted).as("another country has its own count; Lao numbers are held only to the ceiling")
                .contains("sub-vn", "sub-la-0", "sub-la-4");

        world.clock.advance(Duration.ofHours(1));
        service.issueCode("sub-th-3", "203.0.113.9");
        assertThat(world.textedTo("sub-th-3")).hasSize(1);
    }

    @Test
    void the_addresses_of_one_ipv6_64_share_one_count_so_walking_through_it_gets_no_more_codes() {
        VerifySubscriber service = world.instance();
        for (int n = 0; n < 20; n++) {
            world.subscriber("sub-" + n, "ACTIVE");
            service.issueCode("sub-" + n, "2001:db8:85a3:7:" + Integer.toHexString(n + 1) + "::" + n);
        }
        world.subscriber("sub-20", "ACTIVE");

        assertThatThrownBy(() -> service.issueCode("sub-20", "2001:db8:85a3:7:ffff:ffff:ffff:ffff"))
                .as("the 21st code from the same /64").isInstanceOf(VerifySubscriber.TooManyCodesException.class);
        assertThatThrownBy(() -> service.checkAddress("[2001:0db8:85a3:0007::1]")).as("written another way")
                .isInstanceOf(VerifySubscriber.TooManyCodesException.class);
        service.issueCode("sub-20", "2001:db8:85a3:8::1");
        assertThat(world.textedTo("sub-20")).as("the next /64 is another line").hasSize(1);
    }

    @Test
    void an_ipv4_address_is_counted_alone_and_as_its_ipv6_mapped_form() {
        assertThat(VerifySubscriber.limitKey("198.51.100.20")).isEqualTo("198.51.100.20");
        assertThat(VerifySubscriber.limitKey("::ffff:198.51.100.20")).isEqualTo("198.51.100.20");
        assertThat(VerifySubscriber.limitKey("198.51.100.21")).isNotEqualTo(VerifySubscriber.limitKey("198.51.100.20"));
        assertThat(VerifySubscriber.limitKey("2001:db8::1%eth0")).isEqualTo(VerifySubscriber.limitKey("2001:db8:0:0:ffff::2"));
        assertThat(VerifySubscriber.limitKey("unknown")).isEqualTo("unknown");
    }

    @Test
    void a_burst_of_wrong_codes_faster_than_the_store_catches_up_still_locks_after_five() {
        world.subscriber("sub-1", "PENDING_VERIFICATION");
        VerifySubscriber service = world.instance();
        service.issueCode("sub-1", null);
        world.storeKeepsUp = false;
        List<Integer> left = new ArrayList<>();
        int locked = 0;
        for (int i = 0; i < 20; i++) {
            try {
                service.signIn("sub-1", world.wrongCodeFor("sub-1"));
            } catch (VerifySubscriber.WrongCodeException e) {
                left.add(e.attemptsLeft());
            } catch (VerifySubscriber.LockedException e) {
                locked++;
            }
        }

        assertThat(left).as("each wrong code counts, though the store has none of them yet").containsExactly(4, 3, 2, 1);
        assertThat(locked).isEqualTo(16);
        assertThat(world.failures).as("only the five guesses that were judged are published").hasSize(5);
        assertThatThrownBy(() -> service.signIn("sub-1", world.codeOf("sub-1"))).as("the right code, too late")
                .isInstanceOf(VerifySubscriber.LockedException.class);
        assertThatThrownBy(() -> service.issueCode("sub-1", null)).as("no new code while locked")
                .isInstanceOf(VerifySubscriber.LockedException.class);
        assertThat(world.activated).isEmpty();
    }

    @Test
    void a_code_used_a_moment_ago_cannot_be_used_again_before_the_store_knows() {
        world.subscriber("sub-1", "ACTIVE");
        VerifySubscriber service = world.instance();
        service.issueCode("sub-1", null);
        world.storeKeepsUp = false;

        service.signIn("sub-1", world.codeOf("sub-1"));

        assertThatThrownBy(() -> service.signIn("sub-1", world.codeOf("sub-1"))).isInstanceOf(VerifySubscriber.NoCodeException.class);
        assertThat(world.used).containsExactly("sub-1");
    }

    @Test
    void guesses_made_at_the_same_moment_on_many_threads_are_each_counted() throws Exception {
        world.subscriber("sub-1", "ACTIVE");
        VerifySubscriber service = world.instance();
        service.issueCode("sub-1", null);
        world.storeKeepsUp = false;
        ExecutorService threads = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> answers = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            answers.add(threads.submit(() -> {
                start.await();
                try {
                    service.signIn("sub-1", world.wrongCodeFor("sub-1"));
                    return "accepted";
                } catch (VerifySubscriber.WrongCodeException e) {
                    return "wrong";
                } catch (VerifySubscriber.LockedException e) {
                    return "locked";
                }
            }));
        }
        start.countDown();
        List<String> outcomes = new ArrayList<>();
        for (Future<String> answer : answers) {
            outcomes.add(answer.get());
        }
        threads.shutdown();

        assertThat(outcomes).filteredOn("wrong"::equals).as("four warnings, then the fifth locks").hasSize(4);
        assertThat(outcomes).filteredOn("locked"::equals).hasSize(60);
    }

    @Test
    void a_closed_account_gets_no_code() {
        world.subscriber("sub-1", "CLOSED");

        assertThatThrownBy(() -> world.instance().issueCode("sub-1", null)).isInstanceOf(VerifySubscriber.ClosedException.class);
        assertThat(world.texted).isEmpty();
    }
}
