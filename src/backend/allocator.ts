// Host-side allocator over the WebAssembly linear memory. Tensors, layer buffers and kernel
// scratch all live in the one memory the kernels see; this hands out its blocks.
//
// Blocks are 64-byte aligned (a cache line: SIMD loads never straddle one at a block start) and
// at least 64 bytes. Free blocks are kept sorted by address and coalesced with their neighbours,
// so a training loop that frees and re-allocates the same sizes reuses the same addresses and the
// memory stops growing. The memory only grows, never shrinks (WebAssembly cannot shrink it).
import { ResourceError, ValueError } from '../errors.js';

export const ALIGN = 64;
const PAGE = 65536;
/** All a wasm32 memory can address: offsets and sizes are below 2³², and exact in JS numbers. */
export const MAX_MEMORY_BYTES = 2 ** 32;

interface Block {
  offset: number;
  bytes: number;
}

export class Allocator {
  private readonly live = new Map<number, number>(); // offset -> bytes
  private readonly freeList: Block[] = []; // sorted by offset, never adjacent
  private top: number; // first byte past the highest block handed out
  private liveTotal = 0;

  constructor(private readonly memory: WebAssembly.Memory, readonly base: number) {
    if (base % ALIGN !== 0) throw new ValueError(`Allocator: base must be a multiple of ${ALIGN}, got ${base}`);
    this.top = base;
  }

  /** Bytes in blocks handed out and not yet freed. */
  get liveBytes(): number {
    return this.liveTotal;
  }

  /** Number of blocks handed out and not yet freed. */
  get liveBlocks(): number {
    return this.live.size;
  }

  /** Size of the whole linear memory, in bytes. */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  alloc(bytes: number): number {
    if (!Number.isInteger(bytes) || bytes < 0) {
      throw new ValueError(`alloc: expected a non-negative integer byte count, got ${bytes}`);
    }
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    const offset = this.takeFree(size) ?? this.bump(size);
    this.live.set(offset, size);
    this.liveTotal += size;
    return offset;
  }

  free(offset: number): void {
    const size = this.live.get(offset);
    if (size === undefined) throw new ValueError(`free: no live block at offset ${offset} (double free?)`);
    this.live.delete(offset);
    this.liveTotal -= size;
    this.release({ offset, bytes: size });
  }

  // Best fit: the smallest free block that holds `size`, split if larger.
  private takeFree(size: number): number | undefined {
    let best = -1;
    for (let i = 0; i < this.freeList.length; i++) {
      const b = this.freeList[i];
      if (b.bytes >= size && (best < 0 || b.bytes < this.freeList[best].bytes)) best = i;
    }
    if (best < 0) return undefined;
    const block = this.freeList[best];
    if (block.bytes === size) this.freeList.splice(best, 1);
    else this.freeList[best] = { offset: block.offset + size, bytes: block.bytes - size };
    return block.offset;
  }

  private bump(size: number): number {
    const offset = this.top;
    const end = offset + size;
    const have = this.memory.buffer.byteLength;
    if (end > MAX_MEMORY_BYTES) {
      throw new ResourceError(`alloc: ${size} bytes do not fit in the 4 GiB a WebAssembly memory can address ` +
        `(the next free byte is at ${offset}, with ${this.liveTotal} bytes live)`);
    }
    if (end > have) {
      // grow by at least half the current size, so n allocations cost O(log n) grows
      const pages = Math.max(Math.ceil((end - have) / PAGE), Math.ceil(have / PAGE / 2));
      try {
        this.memory.grow(pages);
      } catch {
        try {
          this.memory.grow(Math.ceil((end - have) / PAGE));
        } catch {
          throw new ResourceError(`alloc: out of WebAssembly memory: need ${size} more bytes at offset ${offset}, ` +
            `memory is ${have} bytes with ${this.liveTotal} bytes live`);
        }
      }
    }
    this.top = end;
    return offset;
  }

  private release(block: Block): void {
    const list = this.freeList;
    let i = 0;
    while (i < list.length && list[i].offset < block.offset) i++;
    list.splice(i, 0, block);
    // merge with the next block, then with the previous one
    if (i + 1 < list.length && block.offset + block.bytes === list[i + 1].offset) {
      block.bytes += list[i + 1].bytes;
      list.splice(i + 1, 1);
    }
    if (i > 0 && list[i - 1].offset + list[i - 1].bytes === block.offset) {
      list[i - 1].bytes += block.bytes;
      list.splice(i, 1);
      i--;
    }
    // a free block at the top goes back to the bump region
    const last = list[list.length - 1];
    if (last.offset + last.bytes === this.top) {
      this.top = last.offset;
      list.pop();
    }
  }
}
