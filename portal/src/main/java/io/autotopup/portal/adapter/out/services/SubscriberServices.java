package io.autotopup.portal.adapter.out.services;

import io.autotopup.portal.domain.AutoTopUp;
import io.autotopup.portal.domain.IdentityDocument;
import io.autotopup.portal.domain.Upload;
import io.autotopup.portal.domain.LedgerLine;
import io.autotopup.portal.domain.Money;
import io.autotopup.portal.domain.PaymentMethod;
import io.autotopup.portal.domain.Profile;
import io.autotopup.portal.domain.RuleChange;
import io.autotopup.portal.domain.Text;
import io.autotopup.portal.application.ServiceRefusal;
import io.autotopup.portal.domain.TopUp;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * What the portal asks of the four services, always for the signed-in subscriber and with their own token. A refusal
 * comes back as {@link ServiceRefusal}. The portal has no use cases of its own: its pages call the services' use cases
 * through this port (reactive, so it lives with the adapters), which tests may replace.
 */
public interface SubscriberServices {

    Mono<Profile> profile(String subscriberId);

    Mono<Money> balance(String subscriberId);

    /** Up to {@code limit} ledger entries, newest first, of versions below {@code before} (null: the newest). */
    Mono<List<LedgerLine>> ledger(String subscriberId, Long before, int limit);

    Mono<Optional<AutoTopUp>> rule(String subscriberId);

    Mono<AutoTopUp> setRule(String subscriberId, RuleChange change, String currency);

    Mono<AutoTopUp> pause(String subscriberId);

    Mono<AutoTopUp> resume(String subscriberId);

    Mono<Void> cancelRule(String subscriberId);

    Mono<List<TopUp>> topUps(String subscriberId, int limit);

    /**
     * Top up now: the amount as typed, the method (null: the default one), and the key of this one ask, so that the
     * same form sent twice is one top-up.
     *
     * @return the top-up's request id
     */
    /** The receipt of one of the subscriber's paid top-ups (404 as a ServiceRefusal when not paid or not theirs). */
    Mono<io.autotopup.portal.domain.Receipt> receipt(String subscriberId, String requestId);

    /** The language the subscriber's texts are written in from now on: lo, en, zh or th. */
    Mono<Void> chooseTextLanguage(String subscriberId, String language);

    Mono<String> topUpNow(String subscriberId, String amount, String currency, String paymentMethodId, String key);

    Mono<List<PaymentMethod>> paymentMethods(String subscriberId);

    /** Binds a payment method by the gateway's token (a card field's or a wallet agreement's), never by card data. */
    Mono<PaymentMethod> bind(String subscriberId, String token);

    Mono<List<PaymentMethod>> makeDefault(String subscriberId, String paymentMethodId);

    Mono<List<PaymentMethod>> reorder(String subscriberId, List<String> paymentMethodIds);

    Mono<List<PaymentMethod>> remove(String subscriberId, String paymentMethodId);

    Mono<List<Text>> texts(String subscriberId, int limit);

    /** The subscriber's identity documents, newest first. */
    Mono<List<IdentityDocument>> identityDocuments(String subscriberId);

    /** Sends an identity document; {@code back} may be null. */
    Mono<IdentityDocument> sendIdentityDocument(String subscriberId, String type, Upload front, Upload back);

    /** Erases the images of every identity document of the subscriber; the decisions stay. */
    Mono<Void> eraseIdentityDocuments(String subscriberId);
}
