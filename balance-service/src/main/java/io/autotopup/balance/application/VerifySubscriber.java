package io.autotopup.balance.application;

import io.autotopup.balance.domain.Verification;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
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
 * hour, whichever numbers they are for, and the {@link Limits} hold against SMS pumping from many addresses: a ceiling
 * of codes per minute for the whole service, and codes per hour to each foreign country code.
 *
 * <p>Codes issued, wrong codes and codes used are published, and the topology keeps each subscriber's state from
 * them a moment later; so that a burst of guesses or of code requests cannot pass through that moment, this
 * instance also keeps what it decided (the instance that owns a subscriber answers for it) and judges each
 * request against whichever is further on. Requests per address are counted from the events of every instance.
 */
public final class VerifySubscriber {

    public static final int CODES_PER_ADDRESS_PER_HOUR = 20;
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration MINUTE = Duration.ofMinutes(1);
    /** Where the codes of one minute, of the whole service, are counted: see {@link #countedUnder}. */
    private static final String MINUTE_KEY = "minute:";
    /** Where the codes to one foreign country code are counted. */
    private static final String COUNTRY_KEY = "country:";
    /** How long a minute's count is kept after it: a little longer than it is read. */
    private static final Duration RETAINED_MINUTES = Duration.ofMinutes(10);
    private static final int FORGET_ABOVE = 1_000;

    private final SubscriberDirectory directory;
    private final VerificationEvents events;
    private final CodeVault vault;
    private final CodeRequests requests;
    private final Clock clock;
    private final Limits limits;
    private final java.util.concurrent.atomic.AtomicLong ceilingRefusals = new java.util.concurrent.atomic.AtomicLong();
    /** The verification state as this instance decided it, ahead of the store until the store catches up. */
    private final Map<String, Verification> decided = new ConcurrentHashMap<>();
    /** Codes this instance texted per address (as "millis|subscriber"), ahead of the count every instance reads. */
    private final Map<String, Set<String>> requestedHere = new ConcurrentHashMap<>();

    public VerifySubscriber(SubscriberDirectory directory, VerificationEvents events, CodeVault vault, CodeRequests requests,
            Clock clock, Limits limits) {
        this.directory = directory;
        this.events = events;
        this.vault = vault;
        this.requests = requests;
        this.clock = clock;
        this.limits = limits;
    }

    /**
     * The limits beyond each number's and each address's, counted over every instance.
     *
     * @param codesPerMinute              the ceiling: codes texted per minute by the whole service, whoever asks; when it
     *                                    is reached, codes wait for the next minute and operators are alerted
     *                                    ({@code autotopup_verification_ceiling_refusals_total})
     * @param homeCountryCodes            the carrier's own country calling codes ({@code 856}): held only to the ceiling
     * @param codesPerForeignCountryPerHour codes per hour to the numbers of each other country code, where pumping pays
     * @param countryCodeOf               an E.164 number's country calling code ({@code 856}), or empty
     */
    public record Limits(int codesPerMinute, Set<String> homeCountryCodes, int codesPerForeignCountryPerHour,
            java.util.function.Function<String, Optional<String>> countryCodeOf) {

        public Limits {
            homeCountryCodes = Set.copyOf(homeCountryCodes);
        }
    }

    /** Code requests refused because the ceiling was reached, since start: operators are alerted on any. */
    public long ceilingRefusals() {
        return ceilingRefusals.get();
    }

    /**
     * The keys a code request is counted under, by every instance from {@code code-requests} and by this one ahead of
     * it: its address (HMAC), the minute it was asked in, and its number's country code when that is a foreign one.
     */
    public static List<String> countedUnder(String addressHash, Instant at, String foreignCountryCode) {
        List<String> keys = new java.util.ArrayList<>(List.of(addressHash, minuteKey(at)));
        if (foreignCountryCode != null) {
            keys.add(COUNTRY_KEY + foreignCountryCode);
        }
        return keys;
    }

    /** Whether a key of {@link #countedUnder} is a minute's that is over by {@code now} and no longer counted. */
    public static boolean isPastMinute(String key, Instant now) {
        return key.startsWith(MINUTE_KEY) && Long.parseLong(key.substring(MINUTE_KEY.length()))
                < now.minus(RETAINED_MINUTES).getEpochSecond() / 60;
    }

    private static String minuteKey(Instant at) {
        return MINUTE_KEY + at.getEpochSecond() / 60;
    }

    /** Publishes what verification needs; each returns once the broker has it. */
    public interface VerificationEvents {
        /** @param requestedFrom the HMAC of the client address that asked, or null */
        /** @param foreignCountryCode the number's country calling code when it is not a home one, else null */
        void codeIssued(String subscriberId, String msisdn, String language, String sealedCode, String codeHash,
                Instant issuedAt, Instant expiresAt, String requestedFrom, String foreignCountryCode);

        void attemptFailed(String subscriberId, Instant at);

        void codeUsed(String subscriberId, Instant at);

        void activated(SubscriberDirectory.SubscriberProfile subscriber);
    }

    /** The code requests of every instance, per client address. */
    public interface CodeRequests {
        /**
         * The requests counted under a key ({@link #countedUnder}: an address's HMAC, a minute, a country code) since a
         * time, each as "epoch millis|subscriber id".
         */
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
        checkAddress(clientAddress, null);
    }

    /** As {@link #checkAddress(String)}, and within the ceiling and the limit of the number's country. */
    public void checkAddress(String clientAddress, String msisdn) {
        if (clientAddress != null) {
            Instant now = clock.instant();
            limitsAllow(vault.hashAddress(limitKey(clientAddress)), foreignCountryCode(msisdn), now);
        }
    }

    /** Texts the first code to a subscriber registered a moment ago: nothing about the number is looked up. */
    public void issueFirstCode(String subscriberId, String msisdn, String language, String clientAddress) {
        Instant now = clock.instant();
        String address = clientAddress == null ? null : vault.hashAddress(limitKey(clientAddress));
        publishCode(subscriberId, msisdn, language, address, now);
    }

    /** The number's country calling code when it is not one of the carrier's own, else null. */
    private String foreignCountryCode(String msisdn) {
        return limits.countryCodeOf().apply(msisdn).filter(code -> !limits.homeCountryCodes().contains(code))
                .orElse(null);
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
            limitsAllow(address, foreignCountryCode(subscriber.msisdn()), now);
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
        String country = foreignCountryCode(msisdn);
        events.codeIssued(subscriberId, msisdn, language, vault.seal(code), hash, now, expiresAt, address, country);
        decided.compute(subscriberId, (id, ahead) -> Verification.issued(hash, now, expiresAt,
                freshest(directory.verification(subscriberId).orElse(null), ahead)));
        if (address != null) {
            forgetSettled(now);
            for (String key : countedUnder(address, now, country)) {
                requestedHere.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(now.toEpochMilli() + "|" + subscriberId);
            }
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

    private void limitsAllow(String address, String foreignCountry, Instant now) {
        Instant minuteStart = Instant.ofEpochSecond(now.getEpochSecond() / 60 * 60);
        if (seen(minuteKey(now), minuteStart.minusMillis(1)).size() >= limits.codesPerMinute()) {
            ceilingRefusals.incrementAndGet();
            throw new CeilingException(Duration.between(now, minuteStart.plus(MINUTE)));
        }
        if (foreignCountry != null) {
            Set<String> toCountry = seen(COUNTRY_KEY + foreignCountry, now.minus(HOUR));
            if (toCountry.size() >= limits.codesPerForeignCountryPerHour()) {
                throw new CountryLimitException(foreignCountry, untilOneLeaves(toCountry, limits.codesPerForeignCountryPerHour(), now));
            }
        }
        Set<String> fromAddress = seen(address, now.minus(HOUR));
        if (fromAddress.size() >= CODES_PER_ADDRESS_PER_HOUR) {
            throw new AddressLimitException(untilOneLeaves(fromAddress, CODES_PER_ADDRESS_PER_HOUR, now));
        }
    }

    /** The requests counted under the key since a time: every instance's, and this one's ahead of them. */
    private Set<String> seen(String key, Instant since) {
        Set<String> seen = new HashSet<>(requests.from(key, since));
        Set<String> here = requestedHere.get(key);
        if (here != null) {
            here.removeIf(entry -> !Instant.ofEpochMilli(millis(entry)).isAfter(since));
            seen.addAll(here);
        }
        return seen;
    }

    /** How long until the hour-old requests leave the count and it is below the limit again. */
    private static Duration untilOneLeaves(Set<String> seen, int limit, Instant now) {
        long oldest = seen.stream().mapToLong(VerifySubscriber::millis).sorted().skip(seen.size() - limit).findFirst()
                .orElse(now.toEpochMilli());
        return Duration.between(now, Instant.ofEpochMilli(oldest).plus(HOUR));
    }

    private static long millis(String entry) {
        return Long.parseLong(entry.substring(0, entry.indexOf('|')));
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
            // what is over an hour old no count reads (a minute's key is never read again once it is over)
            long hourAgo = now.minus(HOUR).toEpochMilli();
            requestedHere.values().forEach(entries -> entries.removeIf(entry -> millis(entry) <= hourAgo));
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

    /** The ceiling of codes per minute for the whole service is reached: codes wait for the next minute. */
    public static final class CeilingException extends TooManyCodesException {
        public CeilingException(Duration retryAfter) {
            super("Codes are paused for a moment: more were asked for across the service than it texts in a minute",
                    retryAfter);
        }
    }

    /** The codes of the hour to numbers of this foreign country code are used up. */
    public static final class CountryLimitException extends TooManyCodesException {
        public CountryLimitException(String countryCode, Duration retryAfter) {
            super("Codes to numbers of +" + countryCode + " are limited; ask again later", retryAfter);
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
