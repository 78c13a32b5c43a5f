package io.autotopup.platform.web;

import java.util.regex.Pattern;

/**
 * The address of whoever sent a request, for limits counted per address: the TCP peer's, unless the peer is a proxy
 * this service trusts, in which case the right-most address of {@code X-Forwarded-For} that is not a trusted proxy's
 * (each proxy appends the address it saw, so what the client wrote itself is further left and never believed).
 * Nobody is trusted unless configured: a client that reaches the service directly cannot name its own address.
 */
public final class ClientAddresses {

    private final Pattern trustedProxies;

    /** @param trustedProxies a regular expression of the trusted proxies' addresses; null or blank trusts nobody */
    public ClientAddresses(String trustedProxies) {
        this.trustedProxies = trustedProxies == null || trustedProxies.isBlank() ? null : Pattern.compile(trustedProxies.trim());
    }

    /**
     * @param peer          the TCP peer's address, or null when unknown
     * @param forwardedFor  the request's {@code X-Forwarded-For}, or null
     * @return the client's address, or null when the peer is unknown
     */
    public String of(String peer, String forwardedFor) {
        if (peer == null || trustedProxies == null || !trusted(peer) || forwardedFor == null || forwardedFor.isBlank()) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!hop.isEmpty() && !trusted(hop)) {
                return hop;
            }
        }
        return peer;
    }

    private boolean trusted(String address) {
        return trustedProxies.matcher(address).matches();
    }
}
