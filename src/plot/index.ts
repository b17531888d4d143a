/**
 * Charts as SVG strings (anywhere, no DOM), and savePlot to write them as SVG or PNG files in Node.
 * Nothing here loads the wasm kernels. `import { lineChart, savePlot } from 'scratchnet/plot'`.
 * @packageDocumentation
 * @module scratchnet/plot
 */
// scratchnet/plot: charts as SVG strings (anywhere, no DOM), and savePlot to write them as SVG or
// PNG files in Node. Nothing here loads the wasm kernels.
export { lineChart } from './line-chart.js';
export type { LineChartOptions, Series } from './line-chart.js';
export { histogram } from './histogram.js';
export type { HistogramOptions } from './histogram.js';
export { imageGrid } from './image-grid.js';
export type { ImageBatch, ImageGridOptions } from './image-grid.js';
export { scatter } from './scatter.js';
export type { PointSet, ScatterOptions } from './scatter.js';
export { decisionBoundary } from './decision-boundary.js';
export type { DecisionBoundaryOptions } from './decision-boundary.js';
export { panels } from './panels.js';
export type { PanelsOptions } from './panels.js';
export { savePlot, renderPng } from './save.js';
export type { SavePlotOptions } from './save.js';
export { smoothCurve } from './smooth.js';
export type { ChartOptions } from './svg.js';
