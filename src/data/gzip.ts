// Gzipped files (RFC 1952), recognized by their magic bytes and inflated with the platform's
// DecompressionStream (Node 18+ and every current browser), so no inflater ships in the package.
import { FileFormatError } from '../errors.js';

/** True when `bytes` start with gzip's magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** `bytes` inflated when gzipped, else `bytes` itself. `what` names the data in errors. */
export async function gunzipIfGzipped(bytes: Uint8Array, what: string): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  // a Blob takes no view of shared memory: those are copied first
  const own = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
  try {
    const stream = new Blob([own]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new FileFormatError(`${what}: gzip data could not be inflated (truncated or corrupt?): ${(e as Error).message}`);
  }
}
