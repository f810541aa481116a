package dev.progresshub.errors;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** RFC 9457 problem details: the body of every error answer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection(targets = { Problem.class, Problem.FieldProblem.class })
public record Problem(String type, String title, int status, String detail, List<FieldProblem> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://progress-hub.dev/problems/";

    public record FieldProblem(String field, String message) {
    }

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(TYPE_BASE + slug, title, status, detail, null);
    }

    public Problem withErrors(List<FieldProblem> fieldProblems) {
        return new Problem(type, title, status, detail, fieldProblems);
    }
}
