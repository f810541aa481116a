package dev.progresshub.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The scope a resource method needs; {@link AuthFilter} refuses every /api call whose method lacks it. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
public @interface RequiresScope {
    Scope value();

    /** Stream endpoints only: browsers' EventSource cannot send headers, so ?access_token= is accepted. */
    boolean allowQueryToken() default false;
}
