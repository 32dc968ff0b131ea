package dev.timewait.bench;

/** The application whose start-up is timed: prints one line and ends. */
public final class Hello {
  private Hello() {}

  public static void main(String[] args) {
    System.out.println("hello");
  }
}
