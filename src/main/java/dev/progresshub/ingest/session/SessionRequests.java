package dev.progresshub.ingest.session;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Bodies of the seed-001 session endpoints (CONTRACT section 6). */
@RegisterForReflection(targets = { SessionRequests.Create.class, SessionRequests.Update.class,
        SessionRequests.End.class })
final class SessionRequests {

    private SessionRequests() {
    }

    /** {@code POST /api/progress/sessions}; totalSteps defaults to 100, as in the seed. */
    record Create(String operation, Long totalSteps) {
    }

    /** {@code POST /api/progress/{sessionId}}; details may be text or any JSON (kept as its JSON text). */
    record Update(Long step, String message, JsonNode details) {
    }

    /** {@code POST /api/progress/{sessionId}/complete} and {@code /error}. */
    record End(String message) {
    }
}
