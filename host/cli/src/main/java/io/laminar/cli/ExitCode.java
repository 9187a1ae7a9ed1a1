package io.laminar.cli;

/** Process exit codes (DESIGN §9); the CLI is the only place that turns errors into these. */
public final class ExitCode {
  /** Done, or valid. */
  public static final int OK = 0;
  /** A failure while running. */
  public static final int RUNTIME = 1;
  /** Bad command-line usage. */
  public static final int USAGE = 2;
  /** Shutdown did not finish in time and was forced. */
  public static final int FORCED_STOP = 3;
  /** A connector could not reach its system (sysexits EX_UNAVAILABLE). */
  public static final int CONNECTIVITY = 69;
  /** The configuration is invalid (sysexits EX_CONFIG). */
  public static final int CONFIG = 78;

  private ExitCode() {
  }
}
