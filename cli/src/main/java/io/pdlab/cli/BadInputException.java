package io.pdlab.cli;

/** Bad input that the command reports with exit code 2 (the message says what and where). */
final class BadInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  BadInputException(String message) {
    super(message);
  }
}
