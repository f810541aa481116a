package dev.progresshub.domain;

/**
 * The bounds of CONTRACT section 8 that the domain enforces, as plain numbers (the service fills them from
 * {@code progress-hub.limits.*}). Each refusal names its setting, so an operator knows what to raise.
 */
public record DomainLimits(int eventBytes, int dataBytes, int resumeStateBytes, int stagesPerJob,
                           int itemTypesPerJob, int errorClassesPerJob, int workersPerJob, int nameChars,
                           int operationChars, int stageNameChars, int labelsPerJob) {

    /** The documented defaults of {@code progress-hub.limits.*}. */
    public static final DomainLimits DEFAULTS = new DomainLimits(65_536, 8_192, 65_536, 200, 200, 100, 1_000, 512,
            128, 256, 32);

    /** Free-form {@code data} within {@link #dataBytes} bytes of JSON. */
    public boolean fitsData(Object data) {
        return JsonSize.of(data) <= dataBytes;
    }

    /** "at most 200 (progress-hub.limits.stages-per-job)": what a refusal says about a limit. */
    static String atMost(long max, String unit, String setting) {
        return "at most " + max + (unit.isEmpty() ? "" : " " + unit) + " (progress-hub.limits." + setting + ")";
    }
}
