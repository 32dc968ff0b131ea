package dev.timewait.analyzer.top;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;

/**
 * The live view on a terminal: the alternate screen in raw mode, redrawn by JLine's {@link Display}
 * (which sends only what changed) after every refresh and every key. Keys: {@code a}, {@code s},
 * {@code t} sort; up and down (or {@code k}, {@code j}) select a site; enter shows its stacks,
 * enter or escape goes back; {@code q} quits.
 */
public final class TopTerminal {

  private static final long ESCAPE_WAIT_MILLIS = 40;

  private final Terminal terminal;
  private final TopSampler sampler;
  private final Duration delay;
  private final TopView view = new TopView(true);
  private final AtomicBoolean resized = new AtomicBoolean(true);
  private final AtomicBoolean interrupted = new AtomicBoolean();
  private Display display;
  private TopFrame frame;

  public TopTerminal(Terminal terminal, TopSampler sampler, Duration delay) {
    this.terminal = terminal;
    this.sampler = sampler;
    this.delay = delay;
  }

  /** Runs until {@code q}, the end of input, or {@code count} refreshes (0: no limit). */
  public void run(int count) throws IOException {
    Attributes saved = terminal.enterRawMode();
    terminal.handle(Terminal.Signal.WINCH, signal -> resized.set(true));
    // Ctrl-C ends the view like q, so that the terminal is given back as it was
    terminal.handle(Terminal.Signal.INT, signal -> interrupted.set(true));
    terminal.puts(Capability.enter_ca_mode);
    terminal.puts(Capability.keypad_xmit);
    terminal.puts(Capability.cursor_invisible);
    terminal.flush();
    display = new Display(terminal, true);
    try {
      loop(count);
    } finally {
      terminal.puts(Capability.cursor_visible);
      terminal.puts(Capability.keypad_local);
      terminal.puts(Capability.exit_ca_mode);
      terminal.setAttributes(saved);
      terminal.flush();
    }
  }

  private void loop(int count) throws IOException {
    NonBlockingReader reader = terminal.reader();
    String up = terminal.getStringCapability(Capability.key_up);
    String down = terminal.getStringCapability(Capability.key_down);
    int frames = 0;
    long next = 0;
    while (!interrupted.get()) {
      long wait = Math.min(next - System.currentTimeMillis(), 200); // looks at Ctrl-C this often
      if (wait <= 0) {
        if (count > 0 && frames >= count) {
          return;
        }
        frame = sampler.sample();
        frames++;
        view.update(frame);
        draw();
        next = System.currentTimeMillis() + delay.toMillis();
        continue;
      }
      int c = reader.read(wait);
      if (c == NonBlockingReader.READ_EXPIRED) {
        continue;
      }
      if (c < 0 || c == 'q' || c == 'Q' || c == 3) {
        return;
      }
      String key = key(reader, c);
      if (key.equals("a")) {
        view.sort(TopView.Sort.RATE);
      } else if (key.equals("s")) {
        view.sort(TopView.Sort.SHARE);
      } else if (key.equals("t")) {
        view.sort(TopView.Sort.TOTAL);
      } else if (key.equals(up) || key.equals("k")) {
        view.move(-1);
      } else if (key.equals(down) || key.equals("j")) {
        view.move(1);
      } else if (key.equals("\r") || key.equals("\n")) {
        view.toggleStack();
      } else if (key.equals("\u001b")) {
        view.hideStack();
      }
      draw();
    }
  }

  /** A key: one character, or an escape sequence read as a whole. */
  private static String key(NonBlockingReader reader, int first) throws IOException {
    StringBuilder key = new StringBuilder().append((char) first);
    if (first != 27) {
      return key.toString();
    }
    while (key.length() < 8) {
      int c = reader.read(ESCAPE_WAIT_MILLIS);
      if (c < 0) {
        break;
      }
      key.append((char) c);
      if (key.length() > 2 && Character.isLetter(c) || c == '~') {
        break;
      }
    }
    return key.toString();
  }

  private void draw() {
    Size size = terminal.getSize();
    int rows = Math.max(size.getRows(), 10);
    int columns = Math.max(size.getColumns(), 40);
    if (resized.getAndSet(false)) {
      display.clear();
      display.resize(rows, columns);
    }
    List<String> text = view.render(frame, columns, rows);
    int marked = view.markedLine();
    List<AttributedString> lines = new ArrayList<>(text.size());
    for (int i = 0; i < text.size(); i++) {
      AttributedStyle style =
          i == marked
              ? AttributedStyle.INVERSE
              : i == 0 ? AttributedStyle.BOLD : AttributedStyle.DEFAULT;
      lines.add(new AttributedString(text.get(i), style));
    }
    display.update(lines, 0);
  }
}
