package io.autotopup.sandbox.gateway;

import static io.autotopup.sandbox.JsonHttpServer.readBody;

import com.sun.net.httpserver.HttpExchange;
import io.autotopup.sandbox.JsonHttpServer;
import io.autotopup.sandbox.JsonHttpServer.HttpError;
import io.autotopup.sandbox.JsonHttpServer.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A sandbox payment gateway over HTTP, with the behaviour of a real one where it matters to us:
 * it tokenizes test cards (the card number never leaves it), charges tokens, answers a repeated
 * {@code Idempotency-Key} with the first answer instead of charging again, declines the documented test
 * cards, and keeps an audit list of every charge attempt.
 *
 * <pre>
 * POST /v1/tokens                      {"number","expMonth","expYear","cvc"} or {"wallet","account"}
 * GET  /v1/tokens/{token}              the token's card details (brand, last4, expiry, fingerprint, customer)
 * POST /v1/tokens/{token}/attach       {"customer"}: the first customer keeps it; another one gets 409
 * POST /v1/charges                     {"token","amount","currency"} with header Idempotency-Key
 * GET  /v1/charges[?idempotencyKey=K]  the audit list, or the charge made under key K
 * GET  /v1/charges?createdFrom=T&amp;createdTo=U  the charges made in [T, U): the settlement report
 * POST /v1/sandbox/faults              {"latencyMs": 50, "unavailable": false}
 * GET  /hosted/...                     the hosted card field and wallet approval pages ({@link HostedPages})
 * </pre>
 */
public final class SandboxGateway implements AutoCloseable {

    private final Map<String, TokenInfo> tokens = new ConcurrentHashMap<>();
    /** How long an idempotency key is remembered, as at real gateways. */
    public static final Duration IDEMPOTENCY_WINDOW = Duration.ofHours(24);

    private final Map<String, Stored> byIdempotencyKey = new ConcurrentHashMap<>();
    private volatile Duration clockOffset = Duration.ZERO;

    /** A charge answered under a key: what was asked, what was answered, when. */
    record Stored(ChargeRequest request, Response response, Instant at) {
    }
    private final List<Charge> charges = new CopyOnWriteArrayList<>();
    private volatile Faults faults = new Faults(0, false);
    private final JsonHttpServer http;

    private final Path stateFile;

    private SandboxGateway(int port, Path stateFile) throws IOException {
        this.stateFile = stateFile;
        if (stateFile != null && Files.exists(stateFile)) {
            load(JsonHttpServer.JSON.readValue(stateFile.toFile(), Snapshot.class));
        }
        http = new JsonHttpServer(port)
                .route("/v1/tokens", this::tokens)
                .route("/v1/charges", this::charges)
                .route("/v1/sandbox/faults", this::faults)
                .route("/hosted/", new HostedPages(this)::handle)
                .start();
    }

    /** Starts on the port (0: any free port) of the loopback address, keeping nothing across restarts. */
    public static SandboxGateway start(int port) throws IOException {
        return new SandboxGateway(port, null);
    }

    /**
     * Starts on the port of the loopback address and keeps its tokens, charges and idempotency keys in
     * {@code stateFile}, so that cards bound before a restart can still be charged after it. The file holds
     * which test card a token stands for, never a card number.
     */
    public static SandboxGateway start(int port, Path stateFile) throws IOException {
        return new SandboxGateway(port, stateFile);
    }

    public int port() {
        return http.port();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** Every charge attempt the gateway answered, in order; idempotent replays are not attempts. */
    public List<Charge> charges() {
        return List.copyOf(charges);
    }

    /**
     * Attaches a token to a merchant's customer, as card vaults do (Stripe attaches a PaymentMethod to one Customer):
     * the first customer to attach it keeps it; attaching it again to the same customer is a no-op, to another one
     * is refused (409), so a token one customer made cannot be used by another.
     */
    public synchronized TokenInfo attach(String token, String customer) {
        TokenInfo info = tokens.get(token);
        if (info == null) {
            throw new HttpError(404, "No such token");
        }
        if (info.customer() != null && !info.customer().equals(customer)) {
            throw new HttpError(409, "This token is attached to another customer");
        }
        if (info.customer() == null) {
            info = info.attachedTo(customer);
            tokens.put(token, info);
            save();
        }
        return info;
    }

    /** Tokenizes a card as a client app would; the number stays inside the gateway. */
    public TokenInfo tokenize(String number, int expMonth, int expYear) {
        TestCard card = TestCard.of(number);
        if (card == null) {
            throw new HttpError(400, "Card number fails the Luhn check or is not a sandbox test card");
        }
        if (expMonth < 1 || expMonth > 12) {
            throw new HttpError(400, "Expiry month " + expMonth + " is not a month: 1 to 12");
        }
        if (expYear < 2000 || expYear > 2100) {
            throw new HttpError(400, "Expiry year " + expYear + " is not a card's year");
        }
        if (YearMonth.of(expYear, expMonth).isBefore(YearMonth.now())) {
            throw new HttpError(400, "Card expired " + expMonth + "/" + expYear);
        }
        TokenInfo info = new TokenInfo("tok_" + UUID.randomUUID().toString().replace("-", ""), "CARD",
                card.brand(), number.substring(number.length() - 4), expMonth, expYear, fingerprint(number), card, null);
        tokens.put(info.token(), info);
        save();
        return info;
    }

    /** A wallet's agreement to be charged, as its approve page gives it: every charge of it succeeds. */
    public TokenInfo tokenizeWallet(String wallet, String account) {
        TokenInfo info = new TokenInfo("tok_" + UUID.randomUUID().toString().replace("-", ""), wallet, null, null, null, null,
                fingerprint(wallet + account), TestCard.SUCCEEDS, null);
        tokens.put(info.token(), info);
        save();
        return info;
    }

    public void setFaults(Faults faults) {
        this.faults = faults;
    }

    /** Moves the gateway's clock on, e.g. past the 24 hours it keeps idempotency keys. */
    public void advanceClock(Duration duration) {
        clockOffset = clockOffset.plus(duration);
    }

    private Instant now() {
        return Instant.now().plus(clockOffset);
    }

    private Response tokens(HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath();
        if ("POST".equals(exchange.getRequestMethod()) && path.equals("/v1/tokens")) {
            TokenRequest request = readBody(exchange, TokenRequest.class);
            if (request.wallet() != null) {
                return Response.json(201, tokenizeWallet(request.wallet(), request.account()));
            }
            if (request.number() == null || request.expMonth() == null || request.expYear() == null) {
                throw new HttpError(400, "number, expMonth and expYear are required");
            }
            return Response.json(201, tokenize(request.number().replace(" ", ""), request.expMonth(), request.expYear()));
        }
        if ("POST".equals(exchange.getRequestMethod()) && path.startsWith("/v1/tokens/") && path.endsWith("/attach")) {
            String token = path.substring("/v1/tokens/".length(), path.length() - "/attach".length());
            AttachRequest request = readBody(exchange, AttachRequest.class);
            if (request.customer() == null || request.customer().isBlank()) {
                throw new HttpError(400, "customer is required");
            }
            return Response.json(200, attach(token, request.customer()));
        }
        if ("GET".equals(exchange.getRequestMethod()) && path.startsWith("/v1/tokens/")) {
            TokenInfo info = tokens.get(path.substring("/v1/tokens/".length()));
            if (info == null) {
                throw new HttpError(404, "No such token");
            }
            return Response.json(200, info);
        }
        throw new HttpError(405, exchange.getRequestMethod() + " " + path);
    }

    private Response charges(HttpExchange exchange) {
        if ("GET".equals(exchange.getRequestMethod())) {
            String query = exchange.getRequestURI().getQuery();
            if (query != null && query.startsWith("idempotencyKey=")) {
                Stored earlier = byIdempotencyKey.get(query.substring("idempotencyKey=".length()));
                if (earlier == null || earlier.at().isBefore(now().minus(IDEMPOTENCY_WINDOW))) {
                    throw new HttpError(404, "No charge under that idempotency key");
                }
                return earlier.response();
            }
            if (query != null && query.contains("createdFrom=")) {
                Map<String, String> parameters = new java.util.HashMap<>();
                for (String pair : query.split("&")) {
                    int equals = pair.indexOf('=');
                    parameters.put(pair.substring(0, Math.max(equals, 0)), java.net.URLDecoder.decode(pair.substring(equals + 1),
                            StandardCharsets.UTF_8));
                }
                Instant from = Instant.parse(parameters.get("createdFrom"));
                Instant to = parameters.containsKey("createdTo") ? Instant.parse(parameters.get("createdTo")) : Instant.MAX;
                return Response.json(200, charges().stream()
                        .filter(charge -> !charge.createdAt().isBefore(from) && charge.createdAt().isBefore(to)).toList());
            }
            return Response.json(200, charges());
        }
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        if (key == null || key.isBlank()) {
            throw new HttpError(400, "Idempotency-Key header is required");
        }
        ChargeRequest request = readBody(exchange, ChargeRequest.class);
        Faults current = faults;
        if (current.latencyMs() > 0) {
            try {
                Thread.sleep(current.latencyMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (current.unavailable()) {
            return Response.json(503, Map.of("status", "error", "code", "service_unavailable"));
        }
        if (current.failNext() > 0) {
            faults = new Faults(current.latencyMs(), false, current.failNext() - 1, current.answerDelayMs(), current.dropNext());
            return Response.json(500, Map.of("status", "error", "code", "processing_error"));
        }
        Stored earlier = byIdempotencyKey.get(key);
        if (earlier != null && earlier.at().isBefore(now().minus(IDEMPOTENCY_WINDOW))) {
            byIdempotencyKey.remove(key, earlier);
        }
        Stored stored = byIdempotencyKey.computeIfAbsent(key, k -> new Stored(request, charge(k, request), now()));
        if (!stored.request().sameCharge(request)) {
            throw new HttpError(409, "Idempotency-Key " + key + " was used for another charge");
        }
        save();
        if (current.dropNext() > 0) {
            faults = new Faults(current.latencyMs(), current.unavailable(), current.failNext(), current.answerDelayMs(),
                    current.dropNext() - 1);
            throw new JsonHttpServer.DropConnection();
        }
        TokenInfo charged = tokens.get(request.token());
        long answerDelay = Math.max(current.answerDelayMs(),
                charged != null && charged.card() == TestCard.TIMES_OUT ? TestCard.TIMES_OUT_AFTER.toMillis() : 0);
        if (answerDelay > 0) {
            try {
                Thread.sleep(answerDelay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return stored.response();
    }

    private Response charge(String key, ChargeRequest request) {
        if (request.amount() <= 0 || request.currency() == null) {
            throw new HttpError(400, "amount must be positive and currency given");
        }
        TokenInfo info = tokens.get(request.token());
        String id = "ch_" + UUID.randomUUID().toString().replace("-", "");
        TestCard card = info == null ? TestCard.INVALID_ACCOUNT : info.card();
        Charge charge = new Charge(id, key, request.token(), request.amount(), request.currency(),
                card.status(), card.declineCode(), now(), request.metadata() == null ? Map.of() : Map.copyOf(request.metadata()));
        charges.add(charge);
        return Response.json(card.httpStatus(), charge);
    }

    private Response faults(HttpExchange exchange) {
        faults = readBody(exchange, Faults.class);
        return Response.json(200, faults);
    }

    private static String fingerprint(String number) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(("sandbox:" + number).getBytes(StandardCharsets.UTF_8));
            return "fp_" + HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the gateway keeps across restarts. */
    record Snapshot(List<StoredToken> tokens, List<Charge> charges, Map<String, StoredAnswer> answers) {
    }

    record StoredAnswer(ChargeRequest request, Charge charge, Instant at) {
    }

    record StoredToken(TokenInfo info, TestCard card) {
    }

    private synchronized void save() {
        if (stateFile == null) {
            return;
        }
        Map<String, StoredAnswer> answers = new java.util.HashMap<>();
        byIdempotencyKey.forEach((key, stored) -> answers.put(key,
                new StoredAnswer(stored.request(), (Charge) stored.response().body(), stored.at())));
        Snapshot snapshot = new Snapshot(tokens.values().stream().map(info -> new StoredToken(info, info.card())).toList(),
                charges(), answers);
        try {
            Path temporary = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
            JsonHttpServer.JSON.writeValue(temporary.toFile(), snapshot);
            Files.move(temporary, stateFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Cannot keep the sandbox gateway's state in " + stateFile, e);
        }
    }

    private void load(Snapshot snapshot) {
        for (StoredToken stored : snapshot.tokens()) {
            TokenInfo info = stored.info();
            tokens.put(info.token(), new TokenInfo(info.token(), info.type(), info.brand(), info.last4(), info.expMonth(),
                    info.expYear(), info.fingerprint(), stored.card(), info.customer()));
        }
        charges.addAll(snapshot.charges());
        snapshot.answers().forEach((key, answer) -> byIdempotencyKey.put(key, new Stored(answer.request(),
                Response.json("succeeded".equals(answer.charge().status()) ? 201 : 402, answer.charge()), answer.at())));
    }

    @Override
    public void close() {
        http.close();
    }

    public record TokenRequest(String number, Integer expMonth, Integer expYear, String cvc, String wallet, String account) {
    }

    /** @param metadata what the merchant wants its charge report to say (its request and customer), kept with the charge */
    public record ChargeRequest(String token, long amount, String currency, String description, Map<String, String> metadata) {
        boolean sameCharge(ChargeRequest other) {
            return java.util.Objects.equals(token, other.token) && amount == other.amount
                    && java.util.Objects.equals(currency, other.currency);
        }
    }

    /** A token's details: what a merchant may know of a card. */
    /** @param customer the merchant's customer the token is attached to (the first to attach it), or null */
    public record TokenInfo(String token, String type, String brand, String last4, Integer expMonth, Integer expYear,
            String fingerprint, @com.fasterxml.jackson.annotation.JsonIgnore TestCard card, String customer) {

        TokenInfo attachedTo(String newCustomer) {
            return new TokenInfo(token, type, brand, last4, expMonth, expYear, fingerprint, card, newCustomer);
        }
    }

    /** Which customer to attach a token to. */
    public record AttachRequest(String customer) {
    }

    /** One charge attempt as the gateway answered it. */
    public record Charge(String id, String idempotencyKey, String token, long amount, String currency, String status,
            String declineCode, Instant createdAt, Map<String, String> metadata) {
    }

    /**
     * @param latencyMs           added to every charge, before it is made
     * @param unavailable         every charge answers 503, nothing is charged
     * @param failNext            the next this many charges answer 500, nothing is charged
     * @param answerDelayMs       added after a charge is made, before it is answered: the charge exists while
     *                            the caller still waits (for a crash between the charge and the caller's commit)
     * @param dropNext            the next this many charges are made and then the connection is dropped
     *                            without an answer
     */
    public record Faults(long latencyMs, boolean unavailable, int failNext, long answerDelayMs, int dropNext) {
        public Faults(long latencyMs, boolean unavailable) {
            this(latencyMs, unavailable, 0, 0, 0);
        }

        public Faults(long latencyMs, boolean unavailable, int failNext) {
            this(latencyMs, unavailable, failNext, 0, 0);
        }

        public Faults(long latencyMs, boolean unavailable, int failNext, long answerDelayMs) {
            this(latencyMs, unavailable, failNext, answerDelayMs, 0);
        }
    }

    /** The sandbox test cards; any other Luhn-valid number is refused at tokenization. */
    public enum TestCard {
        SUCCEEDS("VISA", "succeeded", null, 201),
        SUCCEEDS_MASTERCARD("MASTERCARD", "succeeded", null, 201),
        DO_NOT_HONOUR("VISA", "declined", "do_not_honor", 402),
        INSUFFICIENT_FUNDS("VISA", "declined", "insufficient_funds", 402),
        STOLEN("VISA", "declined", "stolen_card", 402),
        TIMES_OUT("VISA", "succeeded", null, 201),
        EXPIRED_AT_ISSUER("VISA", "declined", "expired_card", 402),
        INVALID_ACCOUNT(null, "declined", "invalid_account", 402);

        private static final Map<String, TestCard> NUMBERS = Map.of(
                "4242424242424242", SUCCEEDS, "5555555555554444", SUCCEEDS_MASTERCARD,
                "4000000000000002", DO_NOT_HONOUR, "4000000000009995", INSUFFICIENT_FUNDS,
                "4000000000009979", STOLEN, "4000000000000069", EXPIRED_AT_ISSUER, "4000000000000119", TIMES_OUT);

        /** The time-out card is charged, and answered only after this: later than any client waits. */
        static final Duration TIMES_OUT_AFTER = Duration.ofSeconds(30);

        private final String brand;
        private final String status;
        private final String declineCode;
        private final int httpStatus;

        TestCard(String brand, String status, String declineCode, int httpStatus) {
            this.brand = brand;
            this.status = status;
            this.declineCode = declineCode;
            this.httpStatus = httpStatus;
        }

        static TestCard of(String number) {
            return luhnValid(number) ? NUMBERS.get(number) : null;
        }

        String brand() {
            return brand;
        }

        String status() {
            return status;
        }

        String declineCode() {
            return declineCode;
        }

        int httpStatus() {
            return httpStatus;
        }

        static boolean luhnValid(String number) {
            if (number == null || !number.matches("\\d{12,19}")) {
                return false;
            }
            int sum = 0;
            for (int i = 0; i < number.length(); i++) {
                int digit = number.charAt(number.length() - 1 - i) - '0';
                if (i % 2 == 1) {
                    digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
                }
                sum += digit;
            }
            return sum % 10 == 0;
        }
    }

    /** Lists the test cards for a README or a --help text. */
    public static List<String> testCards() {
        List<String> lines = new ArrayList<>();
        lines.add("4242424242424242  succeeds (VISA)");
        lines.add("5555555555554444  succeeds (MASTERCARD)");
        lines.add("4000000000000002  declined: do_not_honor");
        lines.add("4000000000009995  declined: insufficient_funds");
        lines.add("4000000000009979  declined: stolen_card");
        lines.add("4000000000000069  declined: expired_card");
        lines.add("4000000000000119  charged, but answered only after 30 s (a time-out)");
        return lines;
    }
}
