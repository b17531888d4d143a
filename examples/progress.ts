// Progress for long scripts: a cli-progress bar with ETA on a terminal; on a pipe or in CI, where a
// redrawn bar would be noise, a plain status line every few seconds. log() prints above the bar.
import { MultiBar, Presets, type SingleBar } from 'cli-progress';

export interface Progress {
  update(value: number, fields?: Record<string, string>): void;
  log(line: string): void;
  stop(): void;
}

export function progress(label: string, total: number, fieldNames: string[] = []): Progress {
  const fieldsFormat = fieldNames.map((f) => ` | ${f} {${f}}`).join('');
  if (process.stderr.isTTY) {
    const bars = new MultiBar({
      format: `${label} |{bar}| {value}/{total}${fieldsFormat} | ETA {eta_formatted}`,
      hideCursor: true,
    }, Presets.shades_classic);
    const bar: SingleBar = bars.create(total, 0, Object.fromEntries(fieldNames.map((f) => [f, '-'])));
    return {
      update: (value, fields) => bar.update(value, fields),
      log: (line) => bars.log(line + '\n'),
      stop: () => bars.stop(),
    };
  }
  const start = performance.now();
  let lastPrint = start;
  return {
    update(value, fields = {}) {
      const now = performance.now();
      if (now - lastPrint < 5000 && value < total) return;
      lastPrint = now;
      const eta = value > 0 ? ((now - start) / value) * (total - value) / 1000 : NaN;
      const extra = Object.entries(fields).map(([k, v]) => ` | ${k} ${v}`).join('');
      console.error(`${label} ${value}/${total}${extra} | ETA ${eta.toFixed(0)} s`);
    },
    log: (line) => console.log(line),
    stop() {},
  };
}
