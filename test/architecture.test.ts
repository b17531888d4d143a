// The layering of docs/design.md, held against the code's imports (type-only imports count): no
// import circle, no import from a lower room up into a higher one, kernels called only from ops/
// (and the backend, and tensor.ts's own primitives below ops), and no `instanceof` dispatch on layer
// classes above the layers. Read from the sources as text: every `import … from`, `export … from`
// and `import()` of a relative path.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, test } from 'vitest';

const SRC = resolve(dirname(new URL(import.meta.url).pathname), '../src');

// Rooms from the bottom up: a file may import its own room and the rooms of lower rank.
const RANK: Record<string, number> = {
  errors: 0, shape: 0, options: 0, rng: 0,
  backend: 1,
  tensor: 2, labels: 2,
  ops: 3, 'numerical-gradient': 3, init: 3, 'init-pytorch': 3,
  formats: 4, plot: 4, functions: 4,
  layers: 5,
  networks: 6, optimizers: 6, data: 6,
  gradient: 7, training: 7,
  io: 8,
  cli: 9, index: 9,
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const files = sources(SRC);
const imports = new Map(files.map((file) => {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gm), ...text.matchAll(/import\(\s*'(\.[^']+)'\s*\)/g)].map((m) => m[1]!);
  return [file, specs.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts'))).filter((p) => p.startsWith(SRC))];
}));
const room = (file: string) => relative(SRC, file).split('/')[0]!.replace(/\.ts$/, '');
const name = (file: string) => relative(SRC, file);

test('every source file belongs to a room of the layering', () => {
  expect(files.map(room).filter((r) => RANK[r] === undefined)).toEqual([]);
});

test('no import circle in src/ (type-only imports count)', () => {
  const state = new Map<string, 'open' | 'done'>();
  const circles: string[] = [];
  const visit = (file: string, path: string[]): void => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      circles.push([...path.slice(path.indexOf(file)), file].map(name).join(' → '));
      return;
    }
    state.set(file, 'open');
    for (const next of imports.get(file) ?? []) visit(next, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of files) visit(file, []);
  expect(circles).toEqual([]);
});

test('no import runs from a lower room up into a higher one', () => {
  const upward = files.flatMap((file) => (imports.get(file) ?? [])
    .filter((dep) => RANK[room(dep)]! > RANK[room(file)]!)
    .map((dep) => `${name(file)} → ${name(dep)}`));
  expect(upward).toEqual([]);
});

// A call of a kernel: through the binding record or one of the backend's splitters.
const KERNEL_CALL = /\bkernels\(\)|\brunParallel\b|\brunElementwise\b|\brunSamples\b|\brunSplit\b/;
// NOTE: tensor.ts's clone() and full() call f32_copy and f32_fill themselves: ops take tensors, so
// they sit above tensor.ts, which cannot import them.
const KERNEL_CALLERS_BELOW_OPS = ['tensor.ts'];

test('kernels are called only from ops/ and the backend (and the tensor primitives below ops)', () => {
  const calling = files.filter((file) => KERNEL_CALL.test(readFileSync(file, 'utf8')));
  expect(calling.map(name)).toContain('ops/elementwise.ts'); // the pattern sees the calls it looks for
  const outside = calling.filter((file) => !['ops', 'backend'].includes(room(file))).map(name)
    .filter((file) => !KERNEL_CALLERS_BELOW_OPS.includes(file));
  expect(outside).toEqual([]);
});

test('no instanceof dispatch on layer classes in networks/, io/, cli/ or training/', () => {
  const layerClasses = files.filter((file) => room(file) === 'layers')
    .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/^export (?:abstract )?class (\w+)/gm)].map((m) => m[1]!));
  expect(layerClasses).toContain('Convolution');
  const pattern = new RegExp(`instanceof (${layerClasses.join('|')})\\b`);
  const found = files.filter((file) => ['networks', 'io', 'cli', 'training'].includes(room(file)))
    .filter((file) => pattern.test(readFileSync(file, 'utf8')))
    .map(name);
  expect(found).toEqual([]);
});
