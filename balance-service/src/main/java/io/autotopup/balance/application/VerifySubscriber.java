package io.autotopup.balance.application;

import io.autotopup.balance.domain.Verification;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Proves that a caller holds a number, with a one-time code texted to it: at registration, and at every sign-in
 * (the authorization server asks for the code and checks it here). The right code activates a subscriber who
 * was waiting for verification; only an active subscriber may have an auto top-up rule. The rules of codes are
 * {@link Verification}'s; besides, a client address gets at most {@value #CODES_PER_ADDRESS_PER_HOUR} codes an
 * hour, whichever numbers they are for.
 *
 * <p>Codes issued, wrong codes and codes used are published, and the topology keeps each subscriber's state from
 * them a moment later; so that a burst of guesses or of code requests cannot pass through that moment, this
 * instance also keeps what it decided (the instance that owns a subscriber answers for it) and judges each
 * request against whichever is further on. Requests per address are counted from the events of every instance.
 */
public final class VerifySubscriber {

    public static final int CODES_PER_ADDRESS_PER_HOUR = 20;
    private static final Duration HOUR = Duration.ofHours(1);
    private static final int FORGET_ABOVE = 1_000;

    private final SubscriberDirectory directory;
    private final VerificationEvents events;
    private final CodeVault vault;
    private final CodeRequests requests;
    private final Clock clock;
    /** The verification state as this instance decided it, ahead of the store until the store catches up. */
    private final Map<String, Verification> decided = new ConcurrentHashMap<>();
    /** Codes this instance texted per address (as "millis|subscriber"), ahead of the count every instance reads. */
    private final Map<String, Set<String>> requestedHere = new ConcurrentHashMap<>();

    public VerifySubscriber(SubscriberDirectory directory, VerificationEvents events, CodeVault vault, CodeRequests requests,
            Clock clock) {
        this.directory = directory;
        this.events = events;
        this.vault = vault;
        this.requests = requests;
        this.clock = clock;
    }

    /** Publishes what verification needs; each returns once the broker has it. */
    public interface VerificationEvents {
        /** @param requestedFrom the HMAC of the client address that asked, or null */
        void codeIssued(String subscriberId, String msisdn, String language, String sealedCode, String codeHash,
                Instant issuedAt, Instant expiresAt, String requestedFrom);

        void attemptFailed(String subscriberId, Instant at);

        void codeUsed(String subscriberId, Instant at);

        void activated(SubscriberDirectory.SubscriberProfile subscriber);
    }

    /** The code requests of every instance, per client address. */
    public interface CodeRequests {
        /** The requests from the address (HMAC) since a time, each as "epoch millis|subscriber id". */
        Set<String> from(String addressHash, Instant since);
    }

    /** A signed-in subscriber. */
    public record SignedIn(String subscriberId, String status) {
    }

    /**
     * Refuses when the client address has had its codes for the hour; call before registering a number.
     *
     * @param clientAddress the caller's IP address, or null when unknown (a call from inside)
     */
    public void checkAddress(String clientAddress) {
        if (clientAddress != null) {
            Instant now = clock.instant();
            addressAllows(vault.hashAddress(limitKey(clientAddress)), now);
        }
    }

    /** Texts the first code to a subscriber registered a moment ago: nothing about the number is looked up. */
    public void issueFirstCode(String subscriberId, String msisdn, String language, String clientAddress) {
        Instant now = clock.instant();
        String address = clientAddress == null ? null : vault.hashAddress(limitKey(clientAddress));
        publishCode(subscriberId, msisdn, language, address, now);
    }

    /** Texts a code for signing in (or activating), within the number's and the address's limits. */
    public void issueCode(String subscriberId, String clientAddress) {
        SubscriberDirectory.SubscriberProfile subscriber = signable(subscriberId);
        Instant now = clock.instant();
        Optional<Verification> current = Optional.ofNullable(freshest(directory.verification(subscriberId).orElse(null),
                decided.get(subscriberId)));
        Optional<Instant> next = current.flatMap(verification -> verification.nextCodeAt(now));
        if (next.isPresent()) {
            throw current.get().lockedAt(now) ? new LockedException(Duration.between(now, next.get()))
                    : new TooManyCodesException("This number had a code a moment ago or 5 in the last hour; ask again later",
                    Duration.between(now, next.get()));
        }
        String address = clientAddress == null ? null : vault.hashAddress(limitKey(clientAddress));
        if (address != null) {
            addressAllows(address, now);
        }
        publishCode(subscriberId, subscriber.msisdn(), subscriber.language(), address, now);
    }

    /** Checks the code; the right one signs the subscriber in, and activates them if they were waiting for it. */
    public SignedIn signIn(String subscriberId, String code) {
        SubscriberDirectory.SubscriberProfile subscriber = signable(subscriberId);
        Verification stored = directory.verification(subscriberId).orElse(null);
        if (stored == null && !decided.containsKey(subscriberId)) {
            throw new NoCodeException();
        }
        Instant now = clock.instant();
        forgetSettled(now);
        AtomicReference<Verification.Check> check = new AtomicReference<>();
        Verification after = decided.compute(subscriberId, (id, ahead) -> {
            Verification current = freshest(stored, ahead);
            check.set(current.check(current.codeHash() != null && vault.matches(subscriberId, code, current.codeHash()), now));
            return switch (check.get()) {
                case WRONG -> current.failedAt(now);
                case ACCEPTED -> current.used();
                default -> current;
            };
        });
        switch (check.get()) {
            case ACCEPTED -> {
                events.codeUsed(subscriberId, now);
                if ("PENDING_VERIFICATION".equals(subscriber.status())) {
                    events.activated(subscriber);
                    return new SignedIn(subscriberId, "ACTIVE");
                }
                return new SignedIn(subscriberId, subscriber.status());
            }
            case EXPIRED -> throw new ExpiredException();
            case NO_CODE -> throw new NoCodeException();
            case LOCKED -> throw new LockedException(Duration.between(now,
                    after.lockedAt(now) ? after.lockedUntil() : now.plus(Verification.LOCK)));
            default -> {
                events.attemptFailed(subscriberId, now);
                if (after.attemptsLeft() == 0) {
                    throw new LockedException(Verification.LOCK);
                }
                throw new WrongCodeException(after.attemptsLeft());
            }
        }
    }

    private void publishCode(String subscriberId, String msisdn, String language, String address, Instant now) {
        String code = vault.newCode();
        Instant expiresAt = now.plus(Verification.CODE_LIFETIME);
        String hash = vault.hash(subscriberId, code);
        events.codeIssued(subscriberId, msisdn, language, vault.seal(code), hash, now, expiresAt, address);
        decided.compute(subscriberId, (id, ahead) -> Verification.issued(hash, now, expiresAt,
                freshest(directory.verification(subscriberId).orElse(null), ahead)));
        if (address != null) {
            requestedHere.computeIfAbsent(address, key -> ConcurrentHashMap.newKeySet()).add(now.toEpochMilli() + "|" + subscriberId);
        }
    }

    /**
     * What the per-address limit counts a caller by: an IPv4 address as it is, an IPv6 one by its /64 (one subscriber
     * line or host gets a whole /64, and stepping through it is how SMS pumping walks past a per-address count). An
     * IPv4-mapped IPv6 address is its IPv4 one; what is not an IP literal is counted as it is.
     */
    static String limitKey(String clientAddress) {
        String address = clientAddress.trim();
        if (address.startsWith("[") && address.endsWith("]")) {
            address = address.substring(1, address.length() - 1);
        }
        int zone = address.indexOf('%');
        if (zone >= 0) {
            address = address.substring(0, zone);
        }
        // only hex digits, colons and dots: an IP literal, so InetAddress looks nothing up
        if (!address.contains(":") || !address.matches("[0-9A-Fa-f:.]+")) {
            return address;
        }
        try {
            java.net.InetAddress parsed = java.net.InetAddress.getByName(address);
            if (parsed instanceof java.net.Inet4Address) {
                return parsed.getHostAddress();
            }
            byte[] bytes = parsed.getAddress();
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                prefix.append(String.format("%x", ((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
            }
            return prefix.append(":/64").toString();
        } catch (java.net.UnknownHostException e) {
            return address;
        }
    }

    private void addressAllows(String address, Instant now) {
        Instant since = now.minus(HOUR);
        Set<String> seen = new HashSet<>(requests.from(address, since));
        Set<String> here = requestedHere.get(address);
        if (here != null) {
            here.removeIf(entry -> !Instant.ofEpochMilli(Long.parseLong(entry.substring(0, entry.indexOf('|')))).isAfter(since));
            seen.addAll(here);
        }
        if (seen.size() >= CODES_PER_ADDRESS_PER_HOUR) {
            long oldest = seen.stream().mapToLong(entry -> Long.parseLong(entry.substring(0, entry.indexOf('|')))).sorted()
                    .skip(seen.size() - CODES_PER_ADDRESS_PER_HOUR).findFirst().orElse(now.toEpochMilli());
            throw new AddressLimitException(Duration.between(now, Instant.ofEpochMilli(oldest).plus(HOUR)));
        }
    }

    private SubscriberDirectory.SubscriberProfile signable(String subscriberId) {
        SubscriberDirectory.SubscriberProfile subscriber = directory.profile(subscriberId)
                .orElseThrow(() -> new AdjustBalance.UnknownSubscriberException(subscriberId));
        if ("CLOSED".equals(subscriber.status())) {
            throw new ClosedException();
        }
        return subscriber;
    }

    /** The further on of the store's state and what this instance decided since (see {@link Verification#furthest}). */
    static Verification freshest(Verification stored, Verification ahead) {
        return Verification.furthest(stored, ahead);
    }

    /** Drops what this instance decided about codes that have expired and locks that have ended: the store has caught up. */
    private void forgetSettled(Instant now) {
        if (decided.size() > FORGET_ABOVE) {
            decided.values().removeIf(state -> !now.isBefore(state.expiresAt().plus(HOUR)) && !state.lockedAt(now));
        }
        if (requestedHere.size() > FORGET_ABOVE) {
            requestedHere.values().removeIf(Set::isEmpty);
        }
    }

    public static final class WrongCodeException extends RuntimeException {
        private final int attemptsLeft;

        public WrongCodeException(int attemptsLeft) {
            super("Wrong code; " + attemptsLeft + " more attempt(s) before verification is locked for 15 minutes");
            this.attemptsLeft = attemptsLeft;
        }

        public int attemptsLeft() {
            return attemptsLeft;
        }
    }

    /** Refused for a while: too many wrong codes, or too many codes asked for. */
    public static class TooManyCodesException extends RuntimeException {
        private final Duration retryAfter;

        public TooManyCodesException(String message, Duration retryAfter) {
            super(message);
            this.retryAfter = retryAfter.isNegative() ? Duration.ZERO : retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /** Too many codes were asked for from one client address. */
    public static final class AddressLimitException extends TooManyCodesException {
        public AddressLimitException(Duration retryAfter) {
            super("Too many codes were asked for from this address; ask again later", retryAfter);
        }
    }

    public static final class LockedException extends TooManyCodesException {
        public LockedException(Duration retryAfter) {
            super("Too many wrong codes: verification is locked for " + Math.max(1, retryAfter.toMinutes()) + " minute(s)", retryAfter);
        }
    }

    public static final class ExpiredException extends RuntimeException {
        public ExpiredException() {
            super("The code has expired; ask for a new one");
        }
    }

    public static final class NoCodeException extends RuntimeException {
        public NoCodeException() {
            super("There is no code to check (none was asked for, or it was used already); ask for one");
        }
    }

    public static final class ClosedException extends RuntimeException {
        public ClosedException() {
            super("The account is closed");
        }
    }
}
