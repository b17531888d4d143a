// A layer's reusable output (or gradient) buffer. Training in steady state allocates nothing: the
// buffer keeps one block sized for the largest batch seen and serves each call a view of the
// shape it needs, so alternating batch sizes (train 100, evaluate 10 000) reuse the same memory.
// NOTE: a layer reads its inputs while it writes this buffer, and no kernel of a layer works in
// place on every backend and shape (a product reads a row of x after writing a row of out). An
// input that shares memory with the buffer (a layer fed its own output) gets a new block; the old
// one lives on in the input until a later call no longer reads it.
import { empty, prefixView, sharesMemory, type Tensor } from '../tensor.js';
import { sameShape, shapeSize, type Shape } from '../shape.js';

export class LayerBuffer {
  #block: Tensor | undefined;
  #view: Tensor | undefined;
  #retired: Tensor[] = []; // former views that were the inputs of a call

  /** A tensor of `shape` owned by this buffer, sharing no memory with `inputs`: valid until the
   *  next get() or dispose(). */
  get(shape: Shape, ...inputs: Tensor[]): Tensor {
    this.#retired = this.#retired.filter((t) => inputs.includes(t) || (t.dispose(), false));
    if (this.#block && inputs.some((x) => sharesMemory(this.#block!, x))) this.#retire(inputs);
    const view = this.#view;
    if (view && !view.disposed && sameShape(view.shape, shape)) return view;
    view?.dispose();
    const size = shapeSize(shape);
    if (!this.#block || this.#block.size < size) {
      this.#block?.dispose();
      this.#block = empty([size]);
    }
    this.#view = prefixView(this.#block, shape);
    return this.#view;
  }

  // Lets go of the block; the view, if it is one of the inputs, keeps its memory until released.
  #retire(inputs: Tensor[]): void {
    const view = this.#view;
    if (view && inputs.includes(view)) this.#retired.push(view);
    else view?.dispose();
    this.#block!.dispose();
    this.#view = this.#block = undefined;
  }

  dispose(): void {
    for (const t of this.#retired) t.dispose();
    this.#view?.dispose();
    this.#block?.dispose();
    this.#view = this.#block = undefined;
    this.#retired = [];
  }
}
