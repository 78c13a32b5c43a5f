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
    private final List<Instant> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    private String status = "PENDING_VERIFICATION";
    private Verification state = Verification.issued("hash-of-123456", NOW.plus(Verification.CODE_LIFETIME), null);

    /** Whether attemptFailed reaches the store at once; when false, the store lags behind as the topology may. */
    private boolean storeKeepsUp = true;

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
                if (storeKeepsUp) {
                    state = state.failedAt(attemptedAt);
                }
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
    void a_burst_of_wrong_codes_faster_than_the_store_catches_up_still_locks_after_five() {
        storeKeepsUp = false;
        VerifySubscriber service = at(NOW.plusSeconds(10));
        List<Integer> left = new ArrayList<>();
        int locked = 0;
        for (int i = 0; i < 20; i++) {
            try {
                service.verify("sub-1", "000000");
            } catch (VerifySubscriber.WrongCodeException e) {
                left.add(e.attemptsLeft());
            } catch (VerifySubscriber.LockedException e) {
                locked++;
            }
        }

        assertThat(left).as("each wrong code counts, though the store has none of them yet").containsExactly(4, 3, 2, 1);
        assertThat(locked).isEqualTo(16);
        assertThat(failures).as("only the five guesses that were judged are published").hasSize(5);
        assertThatThrownBy(() -> service.verify("sub-1", "123456")).as("the right code, too late")
                .isInstanceOf(VerifySubscriber.LockedException.class);
        assertThatThrownBy(() -> service.resendCode("sub-1")).as("no new code while locked")
                .isInstanceOf(VerifySubscriber.LockedException.class);
        assertThat(activated).isEmpty();
    }

    @Test
    void guesses_made_at_the_same_moment_on_many_threads_are_each_counted() throws Exception {
        storeKeepsUp = false;
        VerifySubscriber service = at(NOW.plusSeconds(10));
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(8);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<String>> answers = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            answers.add(threads.submit(() -> {
                start.await();
                try {
                    service.verify("sub-1", "000000");
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
        for (java.util.concurrent.Future<String> answer : answers) {
            outcomes.add(answer.get());
        }
        threads.shutdown();

        assertThat(outcomes).filteredOn("wrong"::equals).as("four warnings, then the fifth locks").hasSize(4);
        assertThat(outcomes).filteredOn("locked"::equals).hasSize(60);
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
