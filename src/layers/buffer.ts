// A layer's reusable output (or gradient) buffer. Training in steady state allocates nothing: the
// buffer keeps one block sized for the largest batch seen and serves each call a view of the
// shape it needs, so alternating batch sizes (train 100, evaluate 10 000) reuse the same memory.
import { empty, prefixView, type Tensor } from '../tensor.js';
import { sameShape, shapeSize, type Shape } from '../shape.js';

export class LayerBuffer {
  #block: Tensor | undefined;
  #view: Tensor | undefined;

  /** A tensor of `shape` owned by this buffer: valid until the next get() or dispose(). */
  get(shape: Shape): Tensor {
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

  dispose(): void {
    this.#view?.dispose();
    this.#block?.dispose();
    this.#view = this.#block = undefined;
  }
}
