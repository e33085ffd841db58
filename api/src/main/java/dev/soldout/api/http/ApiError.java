package dev.soldout.api.http;

/** The contract's error body. */
public record ApiError(String error, String message) {}
