package dev.progresshub.errors;

import java.util.Map;

/** A problem answer independent of the HTTP stack: the body and the headers it needs. */
public record ProblemAnswer(Problem problem, Map<String, String> headers) {

    public int status() {
        return problem.status();
    }
}
