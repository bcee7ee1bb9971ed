package io.groupbuy.platform;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** What a failure that came back through futures and asks says. */
public final class Failures {
  private Failures() {}

  /** The failure without the wrappers futures add ({@code CompletionException}, …). */
  public static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  /** The message of the unwrapped failure (never null). */
  public static String message(Throwable t) {
    return String.valueOf(unwrap(t).getMessage());
  }

  /** The innermost cause. */
  public static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) c = c.getCause();
    return c;
  }

  /** The innermost cause as "Type: message", for logs. */
  public static String describeRoot(Throwable t) {
    Throwable c = rootCause(t);
    return c.getClass().getSimpleName() + ": " + c.getMessage();
  }

  /** The first line of the innermost cause's message (or of the cause itself), for answers. */
  public static String rootLine(Throwable t) {
    Throwable c = rootCause(t);
    String m = c.getMessage() == null ? c.toString() : c.getMessage();
    int nl = m.indexOf('\n');
    return nl > 0 ? m.substring(0, nl) : m;
  }
}
