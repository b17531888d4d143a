// Progress of long work. On a terminal in Node: a cli-progress bar with ETA, log lines above it.
// Elsewhere (a pipe, CI, a browser console): plain lines, a status line at most every few seconds.

/** A progress display: a bar with ETA on a terminal, plain lines elsewhere (see createProgress). */
export interface Progress {
  /** Sets the steps done to `value` and the values shown beside the bar (by field name). */
  update(value: number, fields?: Record<string, string>): void;
  /** Prints a line (above the bar on a terminal). */
  log(line: string): void;
  /** Ends the display; call once, when the work is done. */
  stop(): void;
}

/** A progress display for `total` steps; `fields` name the values shown beside the bar. */
export async function createProgress(label: string, total: number, fields: string[] = []): Promise<Progress> {
  const proc = (globalThis as { process?: { stderr?: { isTTY?: boolean } } }).process;
  if (proc?.stderr?.isTTY) {
    try {
      return await terminalBar(label, total, fields);
    } catch {
      // cli-progress unavailable: fall back to lines
    }
  }
  return plainLines(label, total);
}

const REDRAW_MS = 100;

async function terminalBar(label: string, total: number, fields: string[]): Promise<Progress> {
  // NOTE: a variable module name keeps browser bundlers from pulling a Node-only package in.
  const name = 'cli-progress';
  const { MultiBar, Presets } = (await import(/* @vite-ignore */ name)) as typeof import('cli-progress');
  // NOTE: cli-progress fills only {word} tokens: a field named 'it/s' is shown under a token 'it_s'
  const token = (field: string) => field.replace(/\W/g, '_');
  const tokens = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [token(k), v]));
  const bars = new MultiBar({
    format: `${label} |{bar}| {value}/{total}${fields.map((f) => ` | ${f} {${token(f)}}`).join('')} | ETA {eta_formatted}`,
    hideCursor: true,
    barsize: 25, // the line is cut at the terminal's width: 25 keeps the ETA on 80 columns
  }, Presets.shades_classic);
  const bar = bars.create(total, 0, Object.fromEntries(fields.map((f) => [token(f), '-'])));
  // NOTE: cli-progress redraws (and prints logged lines) from a timer, which never fires while a
  // synchronous training loop holds the thread, and stop() drops lines still waiting: so redraw
  // here, at most every REDRAW_MS on updates, at once on log lines and before stopping.
  // bars.update() is its (public, untyped as such) redraw.
  let drawn = 0;
  const redraw = () => {
    drawn = Date.now();
    bars.update();
  };
  return {
    update(value, values = {}) {
      bar.update(value, tokens(values));
      if (Date.now() - drawn >= REDRAW_MS) redraw();
    },
    log(line) {
      bars.log(line + '\n');
      redraw();
    },
    stop() {
      redraw();
      bars.stop();
    },
  };
}

function plainLines(label: string, total: number, everyMs = 5000): Progress {
  const start = Date.now();
  let last = start;
  return {
    update(value, fields = {}) {
      const now = Date.now();
      if (now - last < everyMs && value < total) return;
      last = now;
      const eta = value > 0 ? ((now - start) / value) * (total - value) / 1000 : NaN;
      const extra = Object.entries(fields).map(([k, v]) => ` | ${k} ${v}`).join('');
      console.error(`${label} ${value}/${total}${extra} | ETA ${Number.isFinite(eta) ? eta.toFixed(0) : '?'} s`);
    },
    log: (line) => console.log(line),
    stop() {},
  };
}
