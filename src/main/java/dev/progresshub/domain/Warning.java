package dev.progresshub.domain;

/**
 * Something accepted that looks like a mistake (an unknown field, an undeclared stage, a count above its
 * total): the change is applied, and the ingest answer tells the sender, naming the field.
 */
public record Warning(String field, String message) {

    /** The same warning for the event at {@code prefix} in a batch (e.g. "[3]."). */
    public Warning at(String prefix) {
        return new Warning(prefix + field, message);
    }
}
