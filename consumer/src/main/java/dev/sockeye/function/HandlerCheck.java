package dev.sockeye.function;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Checks at deploy time, with the same python3 the handlers run on, that f.py parses and defines a
 * handler at top level, so that a syntax error is reported by {@code deploy} and not by every event.
 * Blocking: call it off any event loop.
 */
public final class HandlerCheck {
  // Top-level names count whether defined, assigned or imported: `from impl import handler` is fine.
  private static final String SCRIPT =
      """
      import ast, sys
      path = sys.argv[1]
      try:
          tree = ast.parse(open(path, 'rb').read(), path)
      except SyntaxError as e:
          print("syntax error at line %s, column %s: %s" % (e.lineno, e.offset, e.msg)); sys.exit(1)
      names = set()
      for n in tree.body:
          if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
              names.add(n.name)
          elif isinstance(n, (ast.Import, ast.ImportFrom)):
              names.update((a.asname or a.name).split('.')[0] for a in n.names)
          elif isinstance(n, ast.Assign):
              names.update(t.id for t in n.targets if isinstance(t, ast.Name))
      if 'handler' not in names and 'f' not in names:
          print("defines neither handler(event, context) nor f(event) at top level"); sys.exit(1)
      """;

  private final Path python;

  public HandlerCheck(Path python) {
    this.python = python;
  }

  /** Throws {@link InvalidFunctionException} naming f.py and what is wrong with it. */
  public void verify(Path code) {
    try {
      Process p = new ProcessBuilder(python.toString(), "-c", SCRIPT, code.toString()).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new InvalidFunctionException(code, null, "could not be checked: " + python + " took over 30 s");
      }
      if (p.exitValue() != 0) {
        throw new InvalidFunctionException(code, null, new String(out, StandardCharsets.UTF_8).strip());
      }
    } catch (IOException e) {
      throw new InvalidFunctionException(code, null, "could not be checked: cannot run " + python + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InvalidFunctionException(code, null, "check interrupted");
    }
  }
}
