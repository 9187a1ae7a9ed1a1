package io.laminar.api;

/** What a sink promises about rows it has accepted once a checkpoint completes. */
public enum DeliveryGuarantee {
  /** Rows may be lost on a crash (e.g. stdout). */
  BEST_EFFORT,
  /** Every row arrives; a crash may repeat rows written since the last checkpoint. */
  AT_LEAST_ONCE,
  /** Every row arrives once: output is committed per checkpoint epoch, transactionally or idempotently. */
  EXACTLY_ONCE;

  /** The configuration spelling ({@code "at_least_once"}). */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
