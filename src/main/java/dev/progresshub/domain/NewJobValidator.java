package dev.progresshub.domain;

import dev.progresshub.domain.InvalidEventException.FieldError;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The rules for the numbers and stages of a new job; reported like event field errors (HTTP 400). */
final class NewJobValidator {

    private NewJobValidator() {
    }

    static void validate(Long total, List<StageSpec> stages, long heartbeatSeconds) {
        List<FieldError> errors = new ArrayList<>();
        if (total != null && total < 0) {
            errors.add(new FieldError("total", "must not be negative"));
        }
        if (heartbeatSeconds <= 0) {
            errors.add(new FieldError("heartbeatSeconds", "must be at least 1"));
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < stages.size(); i++) {
            checkStage(stages.get(i), "stages[" + i + "].", names, errors);
        }
        if (!errors.isEmpty()) {
            throw new InvalidEventException(errors);
        }
    }

    private static void checkStage(StageSpec stage, String prefix, Set<String> names, List<FieldError> errors) {
        String name = stage.name() == null ? "" : stage.name().trim();
        if (name.isEmpty()) {
            errors.add(new FieldError(prefix + "name", "is required"));
        } else if (name.length() > EventValidator.MAX_NAME_LENGTH) {
            errors.add(new FieldError(prefix + "name", "must be at most " + EventValidator.MAX_NAME_LENGTH + " characters"));
        } else if (!names.add(name)) {
            errors.add(new FieldError(prefix + "name", "duplicates stage '" + name + "'"));
        }
        if (stage.total() != null && stage.total() < 0) {
            errors.add(new FieldError(prefix + "total", "must not be negative"));
        }
    }
}
