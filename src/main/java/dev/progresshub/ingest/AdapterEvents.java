package dev.progresshub.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.progresshub.domain.DomainLimits;
import dev.progresshub.domain.Event;
import dev.progresshub.domain.InvalidEventException;

/**
 * For adapters that turn another payload into events: validates them all and names each refused field
 * the way the adapter's client called it ({@code current} → {@code processedItems}), so a 400 points at
 * what the client actually sent.
 */
public final class AdapterEvents {

    private AdapterEvents() {
    }

    public static List<Event> validated(List<Event> events, Map<String, String> payloadFields, DomainLimits limits,
            Instant now) {
        List<InvalidEventException.FieldError> errors = new ArrayList<>();
        for (Event event : events) {
            try {
                event.validate(limits, now);
            } catch (InvalidEventException e) {
                e.errors().forEach(error -> errors.add(new InvalidEventException.FieldError(
                        payloadFields.getOrDefault(error.field(), error.field()), error.message())));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidEventException(errors.stream().distinct().toList());
        }
        return events;
    }
}
