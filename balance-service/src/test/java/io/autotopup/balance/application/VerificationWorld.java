package io.autotopup.balance.application;

import io.autotopup.balance.domain.Verification;
import io.autotopup.platform.testing.MovableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * What the topology would keep for verification, applied by hand: each subscriber's state in a store that
 * catches up with the events at once, or (with {@link #storeKeepsUp} false) not yet; the code requests of every
 * instance per address; a clock the test moves; codes that the test can read, as the SMS would show them.
 */
final class VerificationWorld {

    final MovableClock clock = new MovableClock(Instant.parse("2026-11-24T03:00:00Z"));
    /** Whether the events reach the stores at once; when false, the stores lag behind as the topology may. */
    volatile boolean storeKeepsUp = true;
    final Map<String, Verification> store = new ConcurrentHashMap<>();
    final Map<String, String> status = new ConcurrentHashMap<>();
    final Map<String, Set<String>> requestsByAddress = new ConcurrentHashMap<>();
    final List<String> texted = new CopyOnWriteArrayList<>();
    final List<String> textedNumbers = new CopyOnWriteArrayList<>();
    /** The limits every instance of this world keeps. */
    volatile VerifySubscriber.Limits limits = limits(300, 20);
    /** The subscribers' numbers where one is set; the others get a Lao number of their own. */
    final Map<String, String> numbers = new ConcurrentHashMap<>();
    final List<String> activated = new CopyOnWriteArrayList<>();
    final List<Instant> failures = new CopyOnWriteArrayList<>();
    final List<String> used = new CopyOnWriteArrayList<>();
    private int nextCode = 100_000;
    final Map<String, String> lastCode = new ConcurrentHashMap<>();

    /** A subscriber of the directory, with a status; no code yet. */
    void subscriber(String subscriberId, String status) {
        this.status.put(subscriberId, status);
    }

    /** The service's ceiling per minute and its limit per foreign country code per hour; Laos (856) is home. */
    static VerifySubscriber.Limits limits(int codesPerMinute, int codesPerForeignCountryPerHour) {
        return new VerifySubscriber.Limits(codesPerMinute, Set.of("856"), codesPerForeignCountryPerHour,
                io.autotopup.platform.Msisdns::countryCode);
    }

    /** One instance of balance-service's verification, with its own view ahead of the store. */
    VerifySubscriber instance() {
        SubscriberDirectory directory = new EmptyDirectory() {
            @Override
            public Optional<SubscriberProfile> profile(String subscriberId) {
                return Optional.ofNullable(status.get(subscriberId)).map(s -> new SubscriberProfile(subscriberId,
                        numbers.getOrDefault(subscriberId, "+85620555" + Math.abs(subscriberId.hashCode() % 100000)), "LAK", "lo",
                        s, null));
            }

            @Override
            public Optional<Verification> verification(String subscriberId) {
                return Optional.ofNullable(store.get(subscriberId));
            }
        };
        VerifySubscriber.VerificationEvents events = new VerifySubscriber.VerificationEvents() {
            @Override
            public void codeIssued(String subscriberId, String msisdn, String language, String sealedCode, String codeHash,
                    Instant issuedAt, Instant expiresAt, String requestedFrom, String foreignCountryCode) {
                texted.add(subscriberId);
                textedNumbers.add(msisdn);
                if (storeKeepsUp) {
                    store.compute(subscriberId, (id, current) -> Verification.issued(codeHash, issuedAt, expiresAt, current));
                    if (requestedFrom != null) {
                        for (String key : VerifySubscriber.countedUnder(requestedFrom, issuedAt, foreignCountryCode)) {
                            requestsByAddress.computeIfAbsent(key, a -> ConcurrentHashMap.newKeySet())
                                    .add(issuedAt.toEpochMilli() + "|" + subscriberId);
                        }
                    }
                }
            }

            @Override
            public void attemptFailed(String subscriberId, Instant at) {
                failures.add(at);
                if (storeKeepsUp) {
                    store.computeIfPresent(subscriberId, (id, current) -> current.failedAt(at));
                }
            }

            @Override
            public void codeUsed(String subscriberId, Instant at) {
                used.add(subscriberId);
                if (storeKeepsUp) {
                    store.computeIfPresent(subscriberId, (id, current) -> current.used());
                }
            }

            @Override
            public void activated(SubscriberDirectory.SubscriberProfile subscriber) {
                activated.add(subscriber.subscriberId());
                status.put(subscriber.subscriberId(), "ACTIVE");
            }
        };
        CodeVault vault = new CodeVault() {
            @Override
            public synchronized String newCode() {
                return Integer.toString(++nextCode);
            }

            @Override
            public String seal(String code) {
                return "sealed";
            }

            @Override
            public String hash(String subscriberId, String code) {
                lastCode.put(subscriberId, code);
                return "hash-of-" + subscriberId + ":" + code;
            }

            @Override
            public boolean matches(String subscriberId, String code, String hash) {
                return hash.equals("hash-of-" + subscriberId + ":" + code);
            }

            @Override
            public String hashAddress(String address) {
                return "addr-" + address;
            }
        };
        VerifySubscriber.CodeRequests requests = (address, since) -> requestsByAddress.getOrDefault(address, Set.of()).stream()
                .filter(entry -> Long.parseLong(entry.substring(0, entry.indexOf('|'))) > since.toEpochMilli())
                .collect(Collectors.toCollection(HashSet::new));
        return new VerifySubscriber(directory, events, vault, requests, clock, limits);
    }

    /** The code last texted to the subscriber, as the SMS would show it. */
    String codeOf(String subscriberId) {
        return lastCode.get(subscriberId);
    }

    /** A wrong code: never the one texted. */
    String wrongCodeFor(String subscriberId) {
        return "000000".equals(codeOf(subscriberId)) ? "111111" : "000000";
    }

    List<String> textedTo(String subscriberId) {
        return new ArrayList<>(texted.stream().filter(subscriberId::equals).toList());
    }
}
