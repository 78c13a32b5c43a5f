package io.autotopup.notification.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SmsTemplatesTest {

    @ParameterizedTest
    @ValueSource(strings = {"en", "lo", "zh", "th"})
    void every_template_exists_in_every_language(String language) {
        for (String key : SmsTemplates.KEYS) {
            assertThatCode(() -> SmsTemplates.template(language, key)).as("%s in %s", key, language).doesNotThrowAnyException();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"en", "lo", "zh", "th"})
    void every_text_carries_its_amounts_and_fits_in_two_segments(String language) {
        String succeeded = SmsTemplates.topUpSucceeded(language, 50_000, 1_250_000, "LAK", "4242");
        assertThat(succeeded).contains("50,000 ₭").contains("1,250,000 ₭").contains("4242").doesNotContain("{");
        assertThat(SmsTemplates.topUpSucceeded(language, 500, 650, "USD", null)).contains("$5.00").doesNotContain("{");
        assertThat(SmsSegments.encode(succeeded, 1).segments()).isLessThanOrEqualTo(2);
        for (String reason : SmsTemplates.REASONS) {
            String failed = SmsTemplates.topUpFailed(language, 500, "USD", reason);
            assertThat(failed).contains("$5.00").doesNotContain("{");
            assertThat(SmsSegments.encode(failed, 1).segments()).as(failed).isLessThanOrEqualTo(2);
            String disabled = SmsTemplates.autoTopUpDisabled(language, 3, reason);
            assertThat(disabled).contains("3").doesNotContain("{");
            assertThat(SmsSegments.encode(disabled, 1).segments()).as(disabled).isLessThanOrEqualTo(2);
        }
        for (String text : new String[] {SmsTemplates.limitReached(language, false, 1_250_000, "LAK"),
                SmsTemplates.limitReached(language, true, 1_250_000, "LAK"), SmsTemplates.lowBalance(language, 9_500, "LAK")}) {
            assertThat(text).containsAnyOf("1,250,000 ₭", "9,500 ₭").doesNotContain("{");
            assertThat(SmsSegments.encode(text, 1).segments()).as(text).isLessThanOrEqualTo(2);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"en", "lo", "zh", "th"})
    void the_code_text_holds_a_placeholder_until_the_code_is_put_in_at_sending(String language) {
        String stored = SmsTemplates.oneTimeCode(language, 5);

        assertThat(stored).contains(SmsTemplates.CODE_PLACEHOLDER).contains("5").doesNotContainPattern("\\d{6}");
        String sent = SmsTemplates.withCode(stored, "482913");
        assertThat(sent).contains("482913").doesNotContain("{");
        assertThat(SmsSegments.encode(sent, 1).segments()).as(sent).isLessThanOrEqualTo(2);
    }

    @org.junit.jupiter.api.Test
    void a_lao_subscriber_reads_lao() {
        String text = SmsTemplates.topUpSucceeded("lo", 50_000, 48_000, "LAK", null);

        assertThat(text).startsWith("ເຕີມເງິນອັດຕະໂນມັດ").contains("50,000 ₭").contains("48,000 ₭");
    }

    @org.junit.jupiter.api.Test
    void english_counts_with_plural_rules() {
        assertThat(SmsTemplates.autoTopUpDisabled("en", 1, "CARD_DECLINED")).contains("after 1 failed payment (");
        assertThat(SmsTemplates.autoTopUpDisabled("en", 3, "CARD_DECLINED")).contains("after 3 failed payments (");
        assertThat(SmsTemplates.oneTimeCode("en", 1)).contains("in 1 minute.");
    }

    @org.junit.jupiter.api.Test
    void an_unknown_failure_reason_is_told_in_plain_words() {
        assertThat(SmsTemplates.topUpFailed("en", 500, "USD", "SOMETHING_NEW")).contains("an unexpected error");
    }
}
