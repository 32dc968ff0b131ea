package dev.timewait.core.snapshot;

/** How a connection ended, judged when this side's first FIN left. */
public enum CloseKind {
  /** Our FIN went first: TIME_WAIT lands on this host. */
  ACTIVE,
  /** The peer's FIN (or reset) came first: no TIME_WAIT here. */
  PASSIVE,
  /** We sent RST instead of FIN (SO_LINGER 0, or unread data): no TIME_WAIT, data may be lost. */
  ABORTIVE
}
