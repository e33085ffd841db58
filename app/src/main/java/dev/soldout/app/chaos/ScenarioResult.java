package dev.soldout.app.chaos;

import java.util.List;

/**
 * What one scenario measured. Counts are fans' journeys started while the load ran; {@code lost}
 * is accepted (202) but not terminal after the drain; {@code doubles} seats with two SUCCESS
 * payments; {@code chargedWithout202} PG charges kept for payments no fan was told about.
 * {@code recoveryMs} is null when the p99 never came back under its threshold during the run.
 */
public record ScenarioResult(
    String scenario,
    String fault,
    boolean passed,
    int attempted,
    int accepted,
    int succeeded,
    int cancelled,
    int lost,
    int doubles,
    int chargedWithout202,
    int holdRefused409,
    int payRefused503,
    int fanErrors,
    double errorRateDuringFault,
    int callsDuringFault,
    long baselineP99Ms,
    long thresholdMs,
    Long recoveryMs,
    long faultMs,
    long drainMs,
    int deadLetters,
    List<String> violations,
    List<String> notes) {}
