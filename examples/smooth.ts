// The book's smooth_curve, from the package's plot module.
export { smoothCurve } from 'scratchnet/plot';
