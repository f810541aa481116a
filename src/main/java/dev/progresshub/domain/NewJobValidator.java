package dev.progresshub.domain;

import dev.progresshub.domain.InvalidEventException.FieldError;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one rule set for a new job, whichever path creates it ({@code POST /api/jobs}, a session, the first
 * events of an unknown id); reported like event field errors (HTTP 400), every bad field at once.
 */
final class NewJobValidator {

    static final long MIN_HEARTBEAT_SECONDS = 5;
    static final long MAX_HEARTBEAT_SECONDS = 604_800;
    static final int MAX_LABEL_KEY_CHARS = 64;
    static final int MAX_LABEL_VALUE_CHARS = 256;

    private final DomainLimits limits;
    private final List<FieldError> errors = new ArrayList<>();

    private NewJobValidator(DomainLimits limits) {
        this.limits = limits;
    }

    static void validate(String name, String operation, Long total, List<StageSpec> stages,
                         Map<String, String> labels, long heartbeatSeconds, DomainLimits limits) {
        NewJobValidator validator = new NewJobValidator(limits);
        validator.checkTexts(name, operation);
        validator.checkNumbers(total, heartbeatSeconds);
        validator.checkLabels(labels);
        validator.checkStages(stages);
        validator.checkStorable(name, operation, labels, stages);
        if (!validator.errors.isEmpty()) {
            throw new InvalidEventException(validator.errors);
        }
    }

    private void checkTexts(String name, String operation) {
        if (name == null || name.isBlank()) {
            errors.add(new FieldError("name", "is required"));
        } else if (name.strip().length() > limits.nameChars()) {
            errors.add(new FieldError("name", "must be " + DomainLimits.atMost(limits.nameChars(), "characters",
                    "name-chars")));
        }
        if (operation != null && operation.strip().length() > limits.operationChars()) {
            errors.add(new FieldError("operation", "must be " + DomainLimits.atMost(limits.operationChars(),
                    "characters", "operation-chars")));
        }
    }

    private void checkNumbers(Long total, long heartbeatSeconds) {
        if (total != null && total < 0) {
            errors.add(new FieldError("total", "must not be negative"));
        }
        if (heartbeatSeconds < MIN_HEARTBEAT_SECONDS || heartbeatSeconds > MAX_HEARTBEAT_SECONDS) {
            errors.add(new FieldError("heartbeatSeconds", "must be between " + MIN_HEARTBEAT_SECONDS + " and "
                    + MAX_HEARTBEAT_SECONDS));
        }
    }

    private void checkLabels(Map<String, String> labels) {
        if (labels.size() > limits.labelsPerJob()) {
            errors.add(new FieldError("labels", "must be " + DomainLimits.atMost(limits.labelsPerJob(), "labels",
                    "labels-per-job")));
            return;
        }
        labels.forEach((key, value) -> {
            if (key == null || key.isBlank() || key.length() > MAX_LABEL_KEY_CHARS) {
                errors.add(new FieldError("labels", "keys must have 1 to " + MAX_LABEL_KEY_CHARS + " characters"));
            } else if (value == null || value.length() > MAX_LABEL_VALUE_CHARS) {
                errors.add(new FieldError("labels." + key, "must be text of at most " + MAX_LABEL_VALUE_CHARS
                        + " characters"));
            }
        });
    }

    private void checkStorable(String name, String operation, Map<String, String> labels, List<StageSpec> stages) {
        if (!Texts.storable(name)) {
            errors.add(new FieldError("name", Texts.RULE));
        }
        if (!Texts.storable(operation)) {
            errors.add(new FieldError("operation", Texts.RULE));
        }
        if (!Texts.storable(labels)) {
            errors.add(new FieldError("labels", Texts.RULE));
        }
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i) != null && !Texts.storable(stages.get(i).name())) {
                errors.add(new FieldError("stages[" + i + "].name", Texts.RULE));
            }
        }
    }

    private void checkStages(List<StageSpec> stages) {
        if (stages.size() > limits.stagesPerJob()) {
            errors.add(new FieldError("stages", "must be " + DomainLimits.atMost(limits.stagesPerJob(), "stages",
                    "stages-per-job")));
            return;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < stages.size(); i++) {
            checkStage(stages.get(i), "stages[" + i + "]", names);
        }
    }

    private void checkStage(StageSpec stage, String path, Set<String> names) {
        if (stage == null) {
            errors.add(new FieldError(path, "must be a stage {name, total?}"));
            return;
        }
        String name = stage.name() == null ? "" : stage.name().trim();
        if (name.isEmpty()) {
            errors.add(new FieldError(path + ".name", "is required"));
        } else if (name.length() > limits.stageNameChars()) {
            errors.add(new FieldError(path + ".name", "must be " + DomainLimits.atMost(limits.stageNameChars(),
                    "characters", "stage-name-chars")));
        } else if (!names.add(name)) {
            errors.add(new FieldError(path + ".name", "duplicates stage '" + name + "'"));
        }
        if (stage.total() != null && stage.total() < 0) {
            errors.add(new FieldError(path + ".total", "must not be negative"));
        }
    }
}
