package io.autotopup.portal.adapter.out.services;

import io.autotopup.portal.application.ServiceRefusal;
import io.autotopup.portal.domain.AutoTopUp;
import io.autotopup.portal.domain.IdentityDocument;
import io.autotopup.portal.domain.Upload;
import io.autotopup.portal.domain.LedgerLine;
import io.autotopup.portal.domain.Money;
import io.autotopup.portal.domain.PaymentMethod;
import io.autotopup.portal.domain.Profile;
import io.autotopup.portal.domain.RuleChange;
import io.autotopup.portal.domain.RuleState;
import io.autotopup.portal.domain.Text;
import io.autotopup.portal.domain.TopUp;
import java.time.Instant;
import java.time.YearMonth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * The four services over HTTP, with the signed-in subscriber's own access token (the {@link WebClient} given here
 * adds it, refreshing it when it has expired). Problem bodies become {@link ServiceRefusal}s.
 */
public final class ServicesClient implements SubscriberServices {

    private final WebClient http;
    private final String balanceUrl;
    private final String ruleEngineUrl;
    private final String paymentUrl;
    private final String notificationUrl;
    private final String kycUrl;

    public ServicesClient(WebClient http, String balanceUrl, String ruleEngineUrl, String paymentUrl, String notificationUrl,
            String kycUrl) {
        this.http = http;
        this.balanceUrl = balanceUrl;
        this.ruleEngineUrl = ruleEngineUrl;
        this.paymentUrl = paymentUrl;
        this.notificationUrl = notificationUrl;
        this.kycUrl = kycUrl;
    }

    record MoneyBody(String amount, String currency) {
        Money toMoney() {
            return Money.of(amount, currency);
        }

        static MoneyBody of(String amount, String currency) {
            String typed = Money.typed(amount);
            return typed == null ? null : new MoneyBody(typed, currency);
        }
    }

    record ProfileBody(String subscriberId, String msisdn, String currency, String language, String status, String kycStatus) {
    }

    record DocumentBody(String documentId, String type, String status, Instant submittedAt, String rejectionReason,
            boolean imagesKept) {
        IdentityDocument toDocument() {
            return new IdentityDocument(documentId, type, status, submittedAt, rejectionReason, imagesKept);
        }
    }

    record DocumentsBody(String subscriberId, String kycStatus, List<DocumentBody> documents) {
    }

    record BalanceBody(String subscriberId, MoneyBody balance, long version) {
    }

    record LedgerBody(long version, String reason, String description, MoneyBody amount, MoneyBody balanceAfter,
            String causationId, Instant occurredAt) {
    }

    record RuleBody(MoneyBody threshold, String mode, MoneyBody topUpAmount, MoneyBody targetBalance, String paymentMethodId,
            int maxTopUpsPerDay, MoneyBody maxAmountPerMonth, boolean enabled, String state, int topUpsToday,
            MoneyBody amountThisMonth, String lastOutcome, Instant suspendedUntil) {
        AutoTopUp toRule() {
            return new AutoTopUp(threshold.toMoney(), AutoTopUp.Mode.valueOf(mode), money(topUpAmount), money(targetBalance),
                    paymentMethodId, maxTopUpsPerDay, money(maxAmountPerMonth), enabled, RuleState.of(state), topUpsToday,
                    amountThisMonth.toMoney(), lastOutcome, suspendedUntil);
        }
    }

    record TopUpBody(String requestId, MoneyBody amount, String state, String outcome, Instant requestedAt, Instant updatedAt,
            String reason) {
    }

    record MethodBody(String paymentMethodId, String type, String brand, String last4, Integer expMonth, Integer expYear,
            int priority, boolean isDefault) {
        PaymentMethod toMethod() {
            return new PaymentMethod(paymentMethodId, type, brand, last4,
                    expMonth == null || expYear == null ? null : YearMonth.of(expYear, expMonth), priority, isDefault);
        }
    }

    record TextBody(String smsId, String messageType, String language, String text, Instant requestedAt, String status) {
    }

    record ProblemBody(String detail, String field, String code, MoneyBody limit, String reason) {
    }

    @Override
    public Mono<Profile> profile(String subscriberId) {
        return get(balanceUrl + "/v1/subscribers/{id}", ProfileBody.class, subscriberId)
                .map(p -> new Profile(p.subscriberId(), p.msisdn(), p.currency(), p.language(), p.status(),
                        p.kycStatus() == null ? "NONE" : p.kycStatus()));
    }

    @Override
    public Mono<Money> balance(String subscriberId) {
        return get(balanceUrl + "/v1/subscribers/{id}/balance", BalanceBody.class, subscriberId).map(b -> b.balance().toMoney());
    }

    @Override
    public Mono<List<LedgerLine>> ledger(String subscriberId, Long before, int limit) {
        return list(balanceUrl + "/v1/subscribers/{id}/ledger?limit=" + limit + (before == null ? "" : "&before=" + before), new ParameterizedTypeReference<List<LedgerBody>>() {
        }, subscriberId).map(lines -> lines.stream().map(l -> new LedgerLine(l.version(), l.reason(), l.description(),
                l.amount().toMoney(), l.balanceAfter().toMoney(), l.occurredAt())).toList());
    }

    @Override
    public Mono<Optional<AutoTopUp>> rule(String subscriberId) {
        return get(ruleEngineUrl + "/v1/subscribers/{id}/auto-top-up", RuleBody.class, subscriberId)
                .map(body -> Optional.of(body.toRule()))
                .onErrorResume(ServiceRefusal.class, e -> e.status() == 404 ? Mono.just(Optional.empty()) : Mono.error(e));
    }

    @Override
    public Mono<AutoTopUp> setRule(String subscriberId, RuleChange change, String currency) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("threshold", MoneyBody.of(change.threshold(), currency) == null ? new MoneyBody(null, currency)
                : MoneyBody.of(change.threshold(), currency));
        body.put("mode", change.mode().name());
        if (change.mode() == AutoTopUp.Mode.FIXED) {
            body.put("topUpAmount", MoneyBody.of(change.topUpAmount(), currency));
        } else {
            body.put("targetBalance", MoneyBody.of(change.targetBalance(), currency));
        }
        if (change.paymentMethodId() != null && !change.paymentMethodId().isBlank()) {
            body.put("paymentMethodId", change.paymentMethodId());
        }
        if (change.maxTopUpsPerDay() != null && !change.maxTopUpsPerDay().isBlank()) {
            body.put("maxTopUpsPerDay", Integer.parseInt(change.maxTopUpsPerDay().trim()));
        }
        body.put("maxAmountPerMonth", MoneyBody.of(change.maxAmountPerMonth(), currency));
        return send(http.put().uri(ruleEngineUrl + "/v1/subscribers/{id}/auto-top-up", subscriberId), body, RuleBody.class)
                .map(RuleBody::toRule);
    }

    @Override
    public Mono<AutoTopUp> pause(String subscriberId) {
        return send(http.post().uri(ruleEngineUrl + "/v1/subscribers/{id}/auto-top-up/pause", subscriberId), null, RuleBody.class)
                .map(RuleBody::toRule);
    }

    @Override
    public Mono<AutoTopUp> resume(String subscriberId) {
        return send(http.post().uri(ruleEngineUrl + "/v1/subscribers/{id}/auto-top-up/resume", subscriberId), null, RuleBody.class)
                .map(RuleBody::toRule);
    }

    @Override
    public Mono<Void> cancelRule(String subscriberId) {
        return http.delete().uri(ruleEngineUrl + "/v1/subscribers/{id}/auto-top-up", subscriberId).retrieve()
                .onStatus(HttpStatusCode::isError, ServicesClient::refusal).toBodilessEntity().then();
    }

    @Override
    public Mono<List<TopUp>> topUps(String subscriberId, int limit) {
        return list(ruleEngineUrl + "/v1/subscribers/{id}/top-ups?limit=" + limit, new ParameterizedTypeReference<List<TopUpBody>>() {
        }, subscriberId).map(topUps -> topUps.stream().map(t -> new TopUp(t.requestId(), t.amount().toMoney(), t.state(),
                t.outcome(), t.requestedAt(), t.updatedAt(), "MANUAL".equals(t.reason()))).toList());
    }

    @Override
    public Mono<Void> chooseTextLanguage(String subscriberId, String language) {
        return send(http.patch().uri(balanceUrl + "/v1/subscribers/{id}", subscriberId), Map.of("language", language), ProfileBody.class)
                .then();
    }

    record AskedBody(String requestId, String state) {
    }

    record ReceiptMethodBody(String type, String brand, String last4) {
    }

    record ReceiptBody(String requestId, MoneyBody amount, String paymentMethodId, ReceiptMethodBody method, String paymentReference,
            Instant paidAt) {
    }

    @Override
    public Mono<io.autotopup.portal.domain.Receipt> receipt(String subscriberId, String requestId) {
        return get(paymentUrl + "/v1/subscribers/{id}/payments/{request}/receipt", ReceiptBody.class, subscriberId, requestId)
                .map(body -> new io.autotopup.portal.domain.Receipt(body.requestId(), body.amount().toMoney(),
                        body.method() == null ? null : new PaymentMethod(body.paymentMethodId(), body.method().type(),
                                body.method().brand(), body.method().last4(), null, 0, false),
                        body.paymentReference(), body.paidAt()));
    }

    @Override
    public Mono<String> topUpNow(String subscriberId, String amount, String currency, String paymentMethodId, String key) {
        Map<String, Object> body = new LinkedHashMap<>();
        MoneyBody money = MoneyBody.of(amount, currency);
        body.put("amount", money == null ? new MoneyBody(null, currency) : money);
        if (paymentMethodId != null && !paymentMethodId.isBlank()) {
            body.put("paymentMethodId", paymentMethodId);
        }
        body.put("idempotencyKey", key);
        return send(http.post().uri(ruleEngineUrl + "/v1/subscribers/{id}/top-ups", subscriberId), body, AskedBody.class)
                .map(AskedBody::requestId);
    }

    @Override
    public Mono<List<PaymentMethod>> paymentMethods(String subscriberId) {
        return list(paymentUrl + "/v1/subscribers/{id}/payment-methods", METHODS, subscriberId).map(ServicesClient::methods);
    }

    @Override
    public Mono<PaymentMethod> bind(String subscriberId, String token) {
        return send(http.post().uri(paymentUrl + "/v1/subscribers/{id}/payment-methods", subscriberId), Map.of("token", token),
                MethodBody.class).map(MethodBody::toMethod);
    }

    @Override
    public Mono<List<PaymentMethod>> makeDefault(String subscriberId, String paymentMethodId) {
        return sendList(http.post().uri(paymentUrl + "/v1/subscribers/{id}/payment-methods/{method}/default", subscriberId,
                paymentMethodId), null);
    }

    @Override
    public Mono<List<PaymentMethod>> reorder(String subscriberId, List<String> paymentMethodIds) {
        return sendList(http.put().uri(paymentUrl + "/v1/subscribers/{id}/payment-methods/order", subscriberId),
                Map.of("paymentMethodIds", paymentMethodIds));
    }

    @Override
    public Mono<List<PaymentMethod>> remove(String subscriberId, String paymentMethodId) {
        return sendList(http.delete().uri(paymentUrl + "/v1/subscribers/{id}/payment-methods/{method}", subscriberId,
                paymentMethodId), null);
    }

    @Override
    public Mono<List<Text>> texts(String subscriberId, int limit) {
        return list(notificationUrl + "/v1/subscribers/{id}/notifications?limit=" + limit,
                new ParameterizedTypeReference<List<TextBody>>() {
                }, subscriberId).map(texts -> texts.stream().map(t -> new Text(t.smsId(), t.messageType(), t.language(),
                t.text(), t.requestedAt(), t.status())).toList());
    }

    @Override
    public Mono<List<IdentityDocument>> identityDocuments(String subscriberId) {
        return get(kycUrl + "/v1/subscribers/{id}/identity-documents", DocumentsBody.class, subscriberId)
                .map(body -> body.documents().stream().map(DocumentBody::toDocument).toList());
    }

    @Override
    public Mono<IdentityDocument> sendIdentityDocument(String subscriberId, String type, Upload front, Upload back) {
        MultipartBodyBuilder form = new MultipartBodyBuilder();
        form.part("type", type);
        part(form, "front", front);
        if (back != null) {
            part(form, "back", back);
        }
        return http.post().uri(kycUrl + "/v1/subscribers/{id}/identity-documents", subscriberId)
                .contentType(MediaType.MULTIPART_FORM_DATA).body(BodyInserters.fromMultipartData(form.build()))
                .accept(MediaType.APPLICATION_JSON).retrieve().onStatus(HttpStatusCode::isError, ServicesClient::refusal)
                .bodyToMono(DocumentBody.class).map(DocumentBody::toDocument);
    }

    private static void part(MultipartBodyBuilder form, String name, Upload upload) {
        form.part(name, new ByteArrayResource(upload.bytes()) {
            @Override
            public String getFilename() {
                return upload.filename() == null || upload.filename().isBlank() ? name : upload.filename();
            }
        }).contentType(upload.contentType() == null ? MediaType.APPLICATION_OCTET_STREAM : MediaType.parseMediaType(upload.contentType()));
    }

    @Override
    public Mono<Void> eraseIdentityDocuments(String subscriberId) {
        return http.delete().uri(kycUrl + "/v1/subscribers/{id}/identity-documents", subscriberId).retrieve()
                .onStatus(HttpStatusCode::isError, ServicesClient::refusal).toBodilessEntity().then();
    }

    private static final ParameterizedTypeReference<List<MethodBody>> METHODS = new ParameterizedTypeReference<>() {
    };

    /** In the order they are tried: the default first, then by priority (as payment-service keeps them). */
    private static List<PaymentMethod> methods(List<MethodBody> bodies) {
        return bodies.stream().map(MethodBody::toMethod)
                .sorted(java.util.Comparator.comparing((PaymentMethod method) -> !method.isDefault()).thenComparingInt(PaymentMethod::priority))
                .toList();
    }

    private static Money money(MoneyBody body) {
        return body == null ? null : body.toMoney();
    }

    private <T> Mono<T> get(String uri, Class<T> type, Object... variables) {
        return http.get().uri(uri, variables).accept(MediaType.APPLICATION_JSON).retrieve()
                .onStatus(HttpStatusCode::isError, ServicesClient::refusal).bodyToMono(type);
    }

    private <T> Mono<T> list(String uri, ParameterizedTypeReference<T> type, Object... variables) {
        return http.get().uri(uri, variables).accept(MediaType.APPLICATION_JSON).retrieve()
                .onStatus(HttpStatusCode::isError, ServicesClient::refusal).bodyToMono(type);
    }

    private static <T> Mono<T> send(WebClient.RequestBodySpec request, Object body, Class<T> type) {
        WebClient.RequestHeadersSpec<?> spec = body == null ? request : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
        return spec.accept(MediaType.APPLICATION_JSON).retrieve().onStatus(HttpStatusCode::isError, ServicesClient::refusal)
                .bodyToMono(type);
    }

    private static Mono<List<PaymentMethod>> sendList(WebClient.RequestHeadersSpec<?> request, Object body) {
        WebClient.RequestHeadersSpec<?> spec = body == null ? request
                : ((WebClient.RequestBodySpec) request).contentType(MediaType.APPLICATION_JSON).bodyValue(body);
        return spec.accept(MediaType.APPLICATION_JSON).retrieve().onStatus(HttpStatusCode::isError, ServicesClient::refusal)
                .bodyToMono(METHODS).map(ServicesClient::methods);
    }

    private static Mono<? extends Throwable> refusal(ClientResponse response) {
        int status = response.statusCode().value();
        return response.bodyToMono(ProblemBody.class)
                .onErrorResume(e -> Mono.empty())
                .defaultIfEmpty(new ProblemBody(null, null, null, null, null))
                .map(problem -> new ServiceRefusal(status, problem.detail() == null ? "HTTP " + status : problem.detail(),
                        problem.field(), problem.code() != null ? problem.code() : problem.reason(),
                        problem.limit() == null ? null : problem.limit().amount()));
    }
}
