package io.autotopup.auth.adapter.in.web;

import io.autotopup.auth.adapter.out.balance.BalanceServiceClient;
import io.autotopup.auth.domain.SignInRefused;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import java.time.Instant;
import java.util.List;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Signs a subscriber in with the code texted to their number, checked by balance-service (which keeps the codes,
 * counts wrong ones and locks). The signed-in principal's name is the subscriber id: the {@code sub} of their tokens.
 */
public final class PhoneCodeAuthenticationProvider implements AuthenticationProvider {

    private final BalanceServiceClient balance;

    public PhoneCodeAuthenticationProvider(BalanceServiceClient balance) {
        this.balance = balance;
    }

    /** A code entered for a subscriber, not checked yet. */
    public static final class PhoneCode extends UsernamePasswordAuthenticationToken {
        public PhoneCode(String subscriberId, String code) {
            super(subscriberId, code);
        }
    }

    /** The code was refused; the reason travels with it. */
    public static final class CodeRefused extends BadCredentialsException {
        private final transient SignInRefused refusal;

        CodeRefused(SignInRefused refusal) {
            super(refusal.reason().name());
            this.refusal = refusal;
        }

        public SignInRefused refusal() {
            return refusal;
        }
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        String subscriberId = authentication.getName();
        String code = String.valueOf(authentication.getCredentials());
        try {
            balance.signIn(subscriberId, code);
        } catch (SignInRefused refused) {
            throw new CodeRefused(refused);
        }
        return signedIn(subscriberId, Instant.now());
    }

    /**
     * A subscriber signed in at a time: their id as the name, and the factor they proved (a one-time code, texted),
     * whose time becomes the ID token's {@code auth_time}.
     */
    public static UsernamePasswordAuthenticationToken signedIn(String subscriberId, Instant at) {
        return UsernamePasswordAuthenticationToken.authenticated(subscriberId, null, List.of(
                new SimpleGrantedAuthority("ROLE_SUBSCRIBER"),
                FactorGrantedAuthority.withAuthority(FactorGrantedAuthority.OTT_AUTHORITY).issuedAt(at).build()));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return PhoneCode.class.isAssignableFrom(authentication);
    }
}
