package io.autotopup.platform.security;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Who may call an endpoint: the one place its access rule is written. {@link AccessDecisions} enforces it on
 * every request, and {@link AccessDocumentation} writes it into the OpenAPI document as the operation's security
 * requirements, from which the access test of every service is generated. An endpoint without it is refused to
 * everyone, and fails that test.
 *
 * <p>A caller may call if any of the rules it names lets it: {@link #open()}, {@link #owner()}, {@link #scopes()}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Access {

    /** The path variable that names the subscriber an endpoint is about. */
    String SUBSCRIBER_ID = "subscriberId";

    /** The scope of a subscriber's own token (the authorization server grants it to subscribers only). */
    String SUBSCRIBER_SCOPE = "subscriber";

    /** Anyone, without a token (registration; the limits against abuse apply). */
    boolean open() default false;

    /** The subscriber named by the path's {@value #SUBSCRIBER_ID}, with their own token: scope {@value #SUBSCRIBER_SCOPE}, {@code sub} = that id. */
    boolean owner() default false;

    /** Operators and machines whose token carries any of these scopes. */
    String[] scopes() default {};
}
