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

    /**
     * GET stream endpoints only: browsers' EventSource cannot send headers, so {@code ?access_token=} and
     * {@code ?ticket=} are accepted.
     */
    boolean allowQueryToken() default false;

    /** Whether a share link may call it: only reads of its own job (the path's {@code id}) and of itself. */
    boolean shareLinks() default false;
}
