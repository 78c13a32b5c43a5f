package io.autotopup.topupctl.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotopup.events.UsageRecorded;
import io.autotopup.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Drives a running stack the way its users do: a subscriber's app over HTTP, signed in with the code texted to
 * the number; the carrier's provisioning and operators with client credentials; a carrier's billing system
 * publishing usage to Kafka; and a look at what the outside world (gateway, SMS centre) saw. Used by the demo,
 * the scenarios and the end-to-end tests.
 */
public final class StackClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StackEndpoints endpoints;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final KafkaProducer<String, UsageRecorded> carrier;
    private final SubscriberSignIn app;
    /** The access token of each subscriber who signed in here. */
    private final Map<String, String> subscriberTokens = new java.util.concurrent.ConcurrentHashMap<>();
    private final ClientCredentials machine;

    public StackClient(StackEndpoints endpoints) {
        this.endpoints = endpoints;
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "devstack-carrier");
        carrier = new KafkaProducer<>(config, Topics.USAGE_EVENTS.keySerde().serializer(),
                Topics.USAGE_EVENTS.valueSerde().serializer());
        app = new SubscriberSignIn(endpoints.authUrl(), "autotopup-app", "http://127.0.0.1/callback");
        machine = new ClientCredentials(endpoints.authUrl(), endpoints.clientId(), endpoints.clientSecret());
    }

    /** An answer: status and JSON body. */
    public record Answer(int status, JsonNode body) {
        public String text(String field) {
            return body.path(field).asText(null);
        }
    }

    /** The carrier provisions a number with its opening balance; no code is texted until its holder signs in. */
    public Answer registerSubscriber(String msisdn, String currency, String language, String openingBalance) {
        return post(endpoints.balanceUrl() + "/v1/subscribers", Map.of("msisdn", msisdn, "currency", currency,
                "language", language, "openingBalance", Map.of("amount", openingBalance, "currency", currency)), machineToken());
    }

    /**
     * What a subscriber does with their phone: signs in through the authorization server with the code texted to the
     * number (the SMS centre's inbox stands for the phone; the code is the one that arrives after asking), which
     * activates a new subscriber. Their token is used for what they do next here. Waits up to {@code patience} for
     * the SMS.
     */
    public Answer signIn(String msisdn, Duration patience) {
        Instant deadline = Instant.now().plus(patience);
        while (true) {
            int codesBefore = codeTexts(msisdn).size();
            try {
                SubscriberSignIn.Tokens tokens = app.signIn(msisdn, () -> newCode(msisdn, codesBefore, patience));
                subscriberTokens.put(tokens.subscriberId(), tokens.accessToken());
                return new Answer(200, JSON.createObjectNode().put("subscriberId", tokens.subscriberId()).put("status", "ACTIVE"));
            } catch (SubscriberSignIn.Refused refused) {
                // a number provisioned a moment ago may not be known to the sign-in yet: as a person would, try again
                if (refused.status() != 404 || Instant.now().isAfter(deadline)) {
                    return new Answer(refused.status(), JSON.createObjectNode().put("detail", refused.error()));
                }
                pause(Duration.ofMillis(250));
            }
        }
    }

    /** Acts for a subscriber with a token got elsewhere (a harness that mints its own). */
    public void useToken(String subscriberId, String accessToken) {
        subscriberTokens.put(subscriberId, accessToken);
    }

    /** The access token of a subscriber who signed in here, for calls the client makes itself. */
    public String tokenOf(String subscriberId) {
        return subscriberTokens.get(subscriberId);
    }

    private String newCode(String msisdn, int codesBefore, Duration patience) {
        Instant deadline = Instant.now().plus(patience);
        java.util.regex.Pattern sixDigits = java.util.regex.Pattern.compile("(?<!\\d)(\\d{6})(?!\\d)");
        while (true) {
            List<String> codes = codeTexts(msisdn);
            if (codes.size() > codesBefore) {
                java.util.regex.Matcher code = sixDigits.matcher(codes.get(codes.size() - 1));
                if (code.find()) {
                    return code.group(1);
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("No one-time code reached " + msisdn + " within " + patience);
            }
            pause(Duration.ofMillis(200));
        }
    }

    /** The texts with a one-time code the SMS centre received for the number, oldest first. */
    private List<String> codeTexts(String msisdn) {
        List<String> texts = new java.util.ArrayList<>();
        inbox(msisdn).forEach(sms -> {
            if (sms.path("text").asText().contains("AutoTopUp")) {
                texts.add(sms.path("text").asText());
            }
        });
        return texts;
    }

    /** What the tools do as a machine: provision numbers with opening balances, read subscribers and payments. */
    static final String MACHINE_SCOPES = "balance:adjust subscribers:read payments:read";

    /** The tools' own token (client credentials), renewed a minute before it expires. */
    public String machineToken() {
        return machine.token(MACHINE_SCOPES);
    }

    /** The tools' token with other scopes, such as {@code kyc:review} for an operator's review of identity documents. */
    public String machineToken(String scopes) {
        return machine.token(scopes);
    }

    /** The subscriber's own token if they signed in here, else the tools' token (which may read, not act). */
    private String tokenFor(String subscriberId) {
        String token = subscriberTokens.get(subscriberId);
        return token != null ? token : machineToken();
    }

    /** What a subscriber's app does with a card: tokenize it at the gateway; the number goes nowhere else. */
    public String tokenizeCard(String number, int expMonth, int expYear) {
        Answer answer = post(endpoints.gatewayUrl() + "/v1/tokens",
                Map.of("number", number, "expMonth", expMonth, "expYear", expYear, "cvc", "123"));
        if (answer.status() != 201) {
            throw new IllegalStateException("Gateway refused the card: " + answer.body());
        }
        return answer.text("token");
    }

    /** A wallet's agreement (ALIPAY, WECHAT_PAY, BCEL_ONEPAY) as the sandbox's approve page gives it. */
    public String tokenizeWallet(String wallet, String account) {
        Answer answer = post(endpoints.gatewayUrl() + "/v1/tokens", Map.of("wallet", wallet, "account", account));
        if (answer.status() != 201) {
            throw new IllegalStateException("Gateway refused the wallet: " + answer.body());
        }
        return answer.text("token");
    }

    public Answer bindPaymentMethod(String subscriberId, String token) {
        return post(endpoints.paymentUrl() + "/v1/subscribers/" + subscriberId + "/payment-methods", Map.of("token", token),
                tokenFor(subscriberId));
    }

    /**
     * Sets the rule. A subscriber registered a moment ago may not have reached the rule engine yet (404):
     * then it is asked again, for up to {@code patience}.
     */
    public Answer setAutoTopUpRule(String subscriberId, String threshold, String topUpAmount, String currency,
            String paymentMethodId, Duration patience) {
        Map<String, Object> rule = new java.util.HashMap<>(Map.of(
                "threshold", Map.of("amount", threshold, "currency", currency),
                "topUpAmount", Map.of("amount", topUpAmount, "currency", currency)));
        if (paymentMethodId != null) {
            rule.put("paymentMethodId", paymentMethodId);
        }
        return setAutoTopUpRule(subscriberId, rule, patience);
    }

    /**
     * Sets a rule given as the API's JSON fields ({@code threshold}, {@code topUpAmount}, {@code maxTopUpsPerDay},
     * …), asking again while the subscriber has not reached the rule engine yet (404), for up to {@code patience}.
     */
    public Answer setAutoTopUpRule(String subscriberId, Map<String, Object> rule, Duration patience) {
        Instant deadline = Instant.now().plus(patience);
        String url = endpoints.ruleEngineUrl() + "/v1/subscribers/" + subscriberId + "/auto-top-up";
        Answer answer = put(url, rule, tokenFor(subscriberId));
        // 404: the engine has not heard of the subscriber yet; 422 for a pending one: not of their activation yet;
        // 503: it could not read the payment methods bound just before in time
        while ((answer.status() == 404 || answer.status() == 503
                || answer.status() == 422 && answer.body().toString().contains("only for active subscribers"))
                && Instant.now().isBefore(deadline)) {
            pause(Duration.ofMillis(200));
            answer = put(url, rule, tokenFor(subscriberId));
        }
        return answer;
    }

    /** Sets the sandbox gateway's faults, e.g. {@code {"unavailable": true}}; an empty map clears them. */
    public Answer gatewayFaults(Map<String, Object> faults) {
        Map<String, Object> all = new java.util.HashMap<>(Map.of("latencyMs", 0, "unavailable", false, "failNext", 0,
                "answerDelayMs", 0, "dropNext", 0));
        all.putAll(faults);
        return post(endpoints.gatewayUrl() + "/v1/sandbox/faults", all);
    }

    public StackEndpoints endpoints() {
        return endpoints;
    }

    public Answer autoTopUpRule(String subscriberId) {
        return get(endpoints.ruleEngineUrl() + "/v1/subscribers/" + subscriberId + "/auto-top-up", tokenFor(subscriberId));
    }

    public Answer balance(String subscriberId) {
        return get(endpoints.balanceUrl() + "/v1/subscribers/" + subscriberId + "/balance", tokenFor(subscriberId));
    }

    /** The gateway's audit list of charge attempts. */
    public JsonNode charges() {
        return get(endpoints.gatewayUrl() + "/v1/charges").body();
    }

    /** What the SMS centre received for one MSISDN. */
    public JsonNode inbox(String msisdn) {
        return get(endpoints.smsInboxUrl() + "/" + URLEncoder.encode(msisdn, StandardCharsets.UTF_8)).body();
    }

    /** Every text the SMS centre received, for any number. */
    public JsonNode allTexts() {
        return get(endpoints.smsInboxUrl()).body();
    }

    /** Publishes usage as a carrier's billing system does, keyed by MSISDN, and waits for the broker's ack. */
    public void publishUsage(UsageRecorded... usage) {
        publishUsage(List.of(), usage);
    }

    /** Publishes usage with headers, e.g. a W3C {@code traceparent} from the carrier's own tracing. */
    public void publishUsage(List<Header> headers, UsageRecorded... usage) {
        try {
            for (UsageRecorded event : usage) {
                carrier.send(new ProducerRecord<>(Topics.USAGE_EVENTS.name(), null, event.getMsisdn(), event, headers))
                        .get(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Usage was not acknowledged by Kafka", e);
        }
    }

    /** Waits until a service's health is UP (Kafka Streams RUNNING), for up to {@code patience}. */
    public void awaitHealthy(String serviceUrl, Duration patience) {
        Instant deadline = Instant.now().plus(patience);
        while (true) {
            try {
                Answer health = get(serviceUrl + "/actuator/health");
                if (health.status() == 200 && "UP".equals(health.text("status"))) {
                    return;
                }
            } catch (UncheckedIOException notListeningYet) {
                // the service is still starting
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(serviceUrl + " was not healthy within " + patience);
            }
            pause(Duration.ofMillis(250));
        }
    }

    private Answer get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    private Answer get(String url, String token) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).GET());
    }

    private Answer post(String url, Object body) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json(body))));
    }

    private Answer post(String url, Object body, String token) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofByteArray(json(body))));
    }

    private Answer put(String url, Object body, String token) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token).PUT(HttpRequest.BodyPublishers.ofByteArray(json(body))));
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body = response.body().length == 0 ? JSON.nullNode() : JSON.readTree(response.body());
            return new Answer(response.statusCode(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] json(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        carrier.close(Duration.ofSeconds(5));
    }
}
