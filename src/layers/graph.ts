// Chapter 5's computational-graph nodes on plain numbers: each keeps what its backward needs.

export class MulLayer {
  private x = 0;
  private y = 0;

  forward(x: number, y: number): number {
    this.x = x;
    this.y = y;
    return x * y;
  }

  // d(xy)/dx = y, d(xy)/dy = x: the inputs swap
  backward(dout: number): [number, number] {
    return [dout * this.y, dout * this.x];
  }
}

export class AddLayer {
  forward(x: number, y: number): number {
    return x + y;
  }

  // addition passes the gradient through unchanged
  backward(dout: number): [number, number] {
    return [dout, dout];
  }
}
