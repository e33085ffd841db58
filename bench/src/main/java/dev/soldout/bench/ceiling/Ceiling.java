package dev.soldout.bench.ceiling;

/** What one part of the machine did alone: operations a second, and how it was measured. */
public record Ceiling(String part, String unit, double perSecond, String how) {}
