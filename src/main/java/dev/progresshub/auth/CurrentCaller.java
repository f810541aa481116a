package dev.progresshub.auth;

import jakarta.enterprise.context.RequestScoped;

/** Holds the request's authenticated caller, set by {@link AuthFilter}. */
@RequestScoped
public class CurrentCaller {

    private Caller caller;

    void set(Caller caller) {
        this.caller = caller;
    }

    public Caller get() {
        if (caller == null) {
            throw new IllegalStateException("no authenticated caller on this request");
        }
        return caller;
    }
}
