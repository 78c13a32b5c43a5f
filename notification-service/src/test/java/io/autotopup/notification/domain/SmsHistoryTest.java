package io.autotopup.notification.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmsHistoryTest {

    @Test
    void a_text_goes_from_requested_to_sent_to_delivered_and_a_failed_segment_fails_it() {
        SmsHistory history = new SmsHistory();
        history.requested("sms-1", "TOP_UP_SUCCEEDED", "lo", "…", 1);
        history.requested("sms-2", "LOW_BALANCE", "lo", "…", 2);
        history.requested("sms-1", "TOP_UP_SUCCEEDED", "lo", "…", 1);

        history.sent("sms-1", 2);
        history.delivered("sms-1", "FAILED");
        history.delivered("sms-1", "DELIVERED");
        history.sent("sms-2", 1);

        assertThat(history.latest(10)).extracting(SmsHistory.Entry::smsId).containsExactly("sms-2", "sms-1");
        assertThat(history.latest(10)).extracting(SmsHistory.Entry::status).containsExactly("SENT", "FAILED");
        assertThat(history.latest(10).get(1).segments()).isEqualTo(2);
    }
}
