package dev.sockeye.bench;

import java.util.List;

/**
 * A function the cold-start benchmark runs: its code, what it requires, and the event it gets.
 *
 * @param name short name for the table
 * @param source f.py
 * @param requirements requirements.txt lines
 * @param event the record value the handler receives
 */
public record BenchFunction(String name, String source, List<String> requirements, byte[] event) {
  public BenchFunction {
    requirements = List.copyOf(requirements);
  }

  /** The paper's four: nothing, numpy, pandas, and Pillow resizing a JPEG (the image-resize case study). */
  public static List<BenchFunction> standard(byte[] jpeg) {
    byte[] empty = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return List.of(
        new BenchFunction("noop", "def f(event):\n    return 1\n", List.of(), empty),
        new BenchFunction("numpy", "import numpy as np\n\ndef f(event):\n    return float(np.arange(1000).sum())\n",
            List.of("numpy"), empty),
        new BenchFunction("pandas", "import pandas as pd\n\ndef f(event):\n    return int(pd.DataFrame({'a': [1, 2, 3]})['a'].sum())\n",
            List.of("pandas"), empty),
        new BenchFunction("pillow", "import io\nfrom PIL import Image\n\ndef f(event):\n    image = Image.open(io.BytesIO(event['value']))\n"
            + "    out = io.BytesIO()\n    image.resize((128, 96)).save(out, 'JPEG')\n    return out.getvalue()\n",
            List.of("pillow"), jpeg));
  }
}
