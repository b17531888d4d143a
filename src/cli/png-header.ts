// A PNG's declared size, read from its IHDR chunk before anything is decoded: a 100-byte file may
// declare 40 000 × 40 000 pixels, which a decoder would try to allocate (6.4 GB of RGBA).
import { MAX_DIGIT_PIXELS, MAX_DIGIT_SIDE } from '../data/digit-image.js';
import { FileFormatError, ResourceError } from '../errors.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The width and height a PNG declares; throws if the header is not a PNG's, or if the image is
 *  larger than predict takes (MAX_DIGIT_SIDE per side, MAX_DIGIT_PIXELS in all). */
export function checkPngSize(name: string, bytes: Uint8Array): { width: number; height: number } {
  // signature (8), then the IHDR chunk: length (4), type (4), width (4), height (4), ...
  const isPng = bytes.length >= 24 && SIGNATURE.every((b, i) => bytes[i] === b) &&
    String.fromCharCode(...bytes.subarray(12, 16)) === 'IHDR';
  if (!isPng) throw new FileFormatError(`${name} is not a PNG image that can be read (no PNG signature and IHDR header)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16), height = view.getUint32(20);
  if (width === 0 || height === 0 || width > MAX_DIGIT_SIDE || height > MAX_DIGIT_SIDE || width * height > MAX_DIGIT_PIXELS) {
    throw new ResourceError(`${name} declares ${width}×${height} pixels; predict takes images of 1 to ${MAX_DIGIT_SIDE} pixels a side ` +
      '(scale the picture of the digit down first)');
  }
  return { width, height };
}
