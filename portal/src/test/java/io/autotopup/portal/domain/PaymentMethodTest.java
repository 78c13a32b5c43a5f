package io.autotopup.portal.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.YearMonth;
import org.junit.jupiter.api.Test;

class PaymentMethodTest {

    @Test
    void a_card_is_good_to_the_end_of_its_expiry_month_and_a_wallet_never_expires() {
        PaymentMethod card = new PaymentMethod("pm-1", "CARD", "VISA", "4242", YearMonth.of(2026, 12), 0, true);
        PaymentMethod wallet = new PaymentMethod("pm-2", "ALIPAY", null, null, null, 1, false);

        assertThat(card.expiredAt(YearMonth.of(2026, 12))).isFalse();
        assertThat(card.expiredAt(YearMonth.of(2027, 1))).isTrue();
        assertThat(wallet.expiredAt(YearMonth.of(2099, 1))).isFalse();
        assertThat(wallet.isCard()).isFalse();
    }
}
