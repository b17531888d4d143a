// Chapter 5's computational-graph nodes on plain numbers: each keeps what its backward needs.
import { describe } from '../shape.js';
import { ValueError } from '../errors.js';

// Plain numbers only: a string or undefined would silently become NaN (or "2" * 3 = 6).
function checkNumbers(caller: string, names: string, ...values: unknown[]): void {
  if (values.some((v) => typeof v !== 'number')) {
    throw new ValueError(`${caller}: ${names} must be numbers, got ${values.map(describe).join(' and ')}`);
  }
}

/**
 * Chapter 5's multiplication node on plain numbers.
 * @example
 * const mul = new MulLayer();
 * const price = mul.forward(100, 2);   // 200
 * const [dApple, dNum] = mul.backward(1); // [2, 100]
 */
export class MulLayer {
  private x = 0;
  private y = 0;

  /** `x · y`, keeping both for backward. */
  forward(x: number, y: number): number {
    checkNumbers('MulLayer.forward', 'x and y', x, y);
    this.x = x;
    this.y = y;
    return x * y;
  }

  /** `[dout · y, dout · x]`: d(xy)/dx = y, d(xy)/dy = x, the inputs swap. */
  backward(dout: number): [number, number] {
    checkNumbers('MulLayer.backward', 'dout', dout);
    return [dout * this.y, dout * this.x];
  }
}

/** Chapter 5's addition node on plain numbers. */
export class AddLayer {
  /** `x + y`. */
  forward(x: number, y: number): number {
    checkNumbers('AddLayer.forward', 'x and y', x, y);
    return x + y;
  }

  /** `[dout, dout]`: addition passes the gradient through unchanged. */
  backward(dout: number): [number, number] {
    checkNumbers('AddLayer.backward', 'dout', dout);
    return [dout, dout];
  }
}
