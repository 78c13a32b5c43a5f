package io.autotopup.notification.adapter.out.smpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.autotopup.notification.application.SmsSender.SmsNotSentException;
import io.autotopup.sandbox.smsc.SmsCentreSimulator;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SMPP client against the SMS-centre simulator, over a real SMPP session on loopback. */
class SmppSmsSenderTest {

    private SmsCentreSimulator smsc;
    private SmppSmsSender sender;
    private SmppProperties properties;

    @BeforeEach
    void start() throws Exception {
        smsc = SmsCentreSimulator.start(0, 0);
        properties = new SmppProperties("127.0.0.1", smsc.smppPort(), "autotopup", "secret", "AutoTopUp",
                Duration.ofSeconds(30), Duration.ofSeconds(5), 50);
        sender = new SmppSmsSender(properties);
    }

    @AfterEach
    void stop() {
        sender.close();
        smsc.close();
    }

    @Test
    void a_long_lao_text_arrives_whole_at_the_sms_centre() {
        String text = "ເຕີມເງິນອັດຕະໂນມັດ: ເພີ່ມ 50,000 ₭ ແລ້ວ. ຍອດເງິນໃໝ່: 48,000 ₭. ຂອບໃຈທີ່ໃຊ້ບໍລິການ.";

        var ids = sender.send("+8562055512345", text);

        assertThat(ids).hasSize(2);
        assertThat(smsc.inbox("+8562055512345")).singleElement().satisfies(sms -> {
            assertThat(sms.text()).isEqualTo(text);
            assertThat(sms.segments()).isEqualTo(2);
            assertThat(sms.from()).isEqualTo("AutoTopUp");
        });
    }

    @Test
    void an_english_text_goes_as_gsm_7_in_one_message_and_arrives_as_written() {
        String text = "Auto top-up is off after 3 failed payments (your card was declined). Update your payment method.";

        var ids = sender.send("+8562055512346", text);

        assertThat(ids).as("GSM-7: 160 characters fit one message; in UCS-2 this would be two").hasSize(1);
        assertThat(smsc.inbox("+8562055512346")).singleElement().satisfies(sms -> assertThat(sms.text()).isEqualTo(text));
    }

    @Test
    void delivery_receipts_come_back_for_each_segment_with_their_status() {
        sender.close();
        java.util.Map<String, String> receipts = new java.util.concurrent.ConcurrentHashMap<>();
        sender = new SmppSmsSender(properties, io.github.resilience4j.ratelimiter.RateLimiter.ofDefaults("sms-submit"),
                io.github.resilience4j.retry.Retry.ofDefaults("sms-submit"),
                io.github.resilience4j.circuitbreaker.CircuitBreaker.ofDefaults("sms-submit"), receipts::put);
        smsc.undeliverableTo("+8562055599999");

        var delivered = sender.send("+8562055512348", "Your balance is low: $1.50.");
        var failed = sender.send("+8562055599999", "Your balance is low: $1.50.");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(receipts).containsEntry(delivered.get(0), "DELIVERED");
            assertThat(receipts).containsEntry(failed.get(0), "FAILED");
        });
    }

    @Test
    void during_an_outage_nothing_is_taken_and_after_it_the_sender_binds_again() {
        sender.send("+8562055512349", "before");
        smsc.setDown(true);

        assertThatThrownBy(() -> sender.send("+8562055512349", "during")).isInstanceOf(SmsNotSentException.class);
        smsc.setDown(false);
        sender.send("+8562055512349", "after");

        assertThat(smsc.inbox("+8562055512349")).extracting(SmsCentreSimulator.ReceivedSms::text).containsExactly("before", "after");
    }

    @Test
    void a_throttled_segment_is_sent_again_after_a_short_wait() {
        sender.close();
        io.github.resilience4j.retry.Retry throttled = io.github.resilience4j.retry.Retry.of("sms-submit",
                io.github.resilience4j.retry.RetryConfig.custom().maxAttempts(5).waitDuration(Duration.ofMillis(50))
                        .retryOnException(SmppSmsSender::isThrottling).build());
        sender = new SmppSmsSender(properties, io.github.resilience4j.ratelimiter.RateLimiter.ofDefaults("sms-submit"),
                throttled, io.github.resilience4j.circuitbreaker.CircuitBreaker.ofDefaults("sms-submit"), (id, status) -> { });
        smsc.throttleNext(2);

        sender.send("+8562055512347", "Your balance is low: $1.50. Top up to stay connected.");

        assertThat(smsc.inbox("+8562055512347")).hasSize(1);
        assertThat(throttled.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(1);
    }

    @Test
    void the_sender_binds_again_after_the_sms_centre_went_away() throws Exception {
        sender.send("+8562055512345", "one");
        int port = smsc.smppPort();
        smsc.close();
        assertThatThrownBy(() -> sender.send("+8562055512345", "lost")).isInstanceOf(SmsNotSentException.class);

        smsc = SmsCentreSimulator.start(port, 0);
        sender.send("+8562055512345", "two");

        assertThat(smsc.inbox("8562055512345")).extracting(SmsCentreSimulator.ReceivedSms::text).containsExactly("two");
    }
}
