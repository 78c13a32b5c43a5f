package io.autotopup.portal.adapter.in.web;

import io.autotopup.portal.domain.Money;
import io.autotopup.portal.domain.PaymentMethod;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;
import org.springframework.context.MessageSource;

/**
 * How a page writes money, times and payment methods in the language it is served in; templates call it as
 * {@code fmt}. Times are Vientiane's, the carrier's zone.
 */
public final class Formats {

    static final ZoneId ZONE = ZoneId.of("Asia/Vientiane");

    private final Locale locale;
    private final MessageSource messages;
    private final DateTimeFormatter dateTime;

    Formats(Locale locale, MessageSource messages) {
        this.locale = locale;
        this.messages = messages;
        this.dateTime = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT).withLocale(locale).withZone(ZONE);
    }

    public String money(Money money) {
        return money == null ? "" : money.format();
    }

    /** The subscriber's number as people write it: 020 5551 2345. */
    public String phone(String msisdn) {
        return io.autotopup.platform.Msisdns.asWritten(msisdn);
    }

    /** ₭ or $, for a field's label. */
    public String symbol(String currency) {
        return Money.symbol(currency);
    }

    public String time(Instant instant) {
        return instant == null ? "" : dateTime.format(instant);
    }

    /** "Visa •••• 4242", or the wallet's name in this language. */
    public String method(PaymentMethod method) {
        if (method == null) {
            return messages.getMessage("method.default", null, locale);
        }
        if (method.isCard()) {
            String brand = method.brand() == null ? messages.getMessage("method.card", null, locale)
                    : method.brand().charAt(0) + method.brand().substring(1).toLowerCase(Locale.ROOT);
            return brand + " •••• " + method.last4();
        }
        return messages.getMessage("wallet." + method.type(), null, method.type(), locale);
    }

    /** A text as it was sent, except the one-time code, which no store keeps ("{code}" there): dots instead. */
    public String sms(String text) {
        return text == null ? "" : text.replace("{code}", "••••••");
    }

    public String expiry(PaymentMethod method) {
        return method.expiry() == null ? "" : String.format("%02d/%02d", method.expiry().getMonthValue(), method.expiry().getYear() % 100);
    }

    public boolean expired(PaymentMethod method) {
        return method.expiredAt(YearMonth.now(ZONE));
    }
}
