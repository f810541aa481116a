package dev.progresshub.domain;

import java.util.List;
import java.util.stream.Collectors;

/** Input that breaks a field rule; carries every bad field at once so a client can fix them in one go. */
public class InvalidEventException extends DomainException {

    /** One bad field: {@code field} is the camelCase wire name (e.g. {@code itemsByType.issues}). */
    public record FieldError(String field, String message) {
    }

    private final List<FieldError> errors;

    public InvalidEventException(List<FieldError> errors) {
        super(describe(errors));
        this.errors = List.copyOf(errors);
    }

    public InvalidEventException(String field, String message) {
        this(List.of(new FieldError(field, message)));
    }

    public List<FieldError> errors() {
        return errors;
    }

    private static String describe(List<FieldError> errors) {
        return errors.stream()
                .map(error -> error.field() + " " + error.message())
                .collect(Collectors.joining("; ", "invalid input: ", ""));
    }
}
