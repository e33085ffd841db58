package dev.soldout.api.security;

/** A bearer token that is missing, malformed, forged, expired or meant for someone else. */
public class InvalidTokenException extends Exception {
  public InvalidTokenException(String message) {
    super(message);
  }
}
