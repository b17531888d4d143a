// The book's networks by class name, for rebuilding one from a saved architecture: their
// Sequential options (checked, nothing allocated) and their constructors.
import type { SequentialOptions } from './architecture.js';
import { DeepConvNet, deepConvNetSpec } from './deep-conv-net.js';
import { MultiLayerNet, MultiLayerNetExtend, multiLayerNetSpec } from './multi-layer-net.js';
import type { Sequential } from './sequential.js';
import { SimpleConvNet, simpleConvNetSpec } from './simple-conv-net.js';
import { TwoLayerNet, twoLayerNetSpec } from './two-layer-net.js';

interface PresetClass {
  spec(options: never): SequentialOptions;
  create(options: never): Sequential;
}

export const PRESETS = new Map<string, PresetClass>([
  ['TwoLayerNet', { spec: twoLayerNetSpec, create: (o) => new TwoLayerNet(o) }],
  ['MultiLayerNet', { spec: (o) => multiLayerNetSpec('MultiLayerNet', o, false), create: (o) => new MultiLayerNet(o) }],
  ['MultiLayerNetExtend', { spec: (o) => multiLayerNetSpec('MultiLayerNetExtend', o, true), create: (o) => new MultiLayerNetExtend(o) }],
  ['SimpleConvNet', { spec: simpleConvNetSpec, create: (o) => new SimpleConvNet(o) }],
  ['DeepConvNet', { spec: deepConvNetSpec, create: (o) => new DeepConvNet(o) }],
]);
