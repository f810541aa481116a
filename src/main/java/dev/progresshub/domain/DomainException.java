package dev.progresshub.domain;

/** Base of every rule violation the domain reports; the HTTP layer maps each subtype to a problem response. */
public abstract class DomainException extends RuntimeException {

    protected DomainException(String message) {
        super(message);
    }
}
