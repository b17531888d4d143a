// The drawing pad: pointer events (mouse, pen and touch alike) draw strokes; each finished stroke
// hands the drawing to `onDrawing` as RGBA pixels (transparent where nothing is drawn).

const PEN_FRACTION = 0.075; // of the pad's width: about MNIST's stroke for a digit that fills the pad

export interface Pad {
  /** The drawing, or null while the pad is blank. */
  image(): ImageData | null;
  clear(): void;
}

export function drawingPad(canvas: HTMLCanvasElement, onDrawing: (image: ImageData) => void): Pad {
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  const at = (e: PointerEvent): [number, number] => {
    const box = canvas.getBoundingClientRect();
    return [((e.clientX - box.left) * canvas.width) / box.width, ((e.clientY - box.top) * canvas.height) / box.height];
  };
  let last: [number, number] | undefined; // set while a stroke is being drawn

  const line = (to: [number, number]): void => {
    ctx.lineWidth = canvas.width * PEN_FRACTION;
    ctx.lineCap = ctx.lineJoin = 'round';
    ctx.strokeStyle = '#000';
    ctx.beginPath();
    ctx.moveTo(...(last ?? to));
    ctx.lineTo(...to);
    ctx.stroke();
    last = to;
  };
  canvas.addEventListener('pointerdown', (e) => {
    canvas.setPointerCapture(e.pointerId);
    last = undefined;
    line(at(e));
  });
  canvas.addEventListener('pointermove', (e) => {
    if (last) line(at(e));
  });
  const end = (): void => {
    if (!last) return;
    last = undefined;
    const drawing = image();
    if (drawing) onDrawing(drawing);
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);

  const image = (): ImageData | null => {
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height);
    for (let i = 3; i < data.data.length; i += 4) if (data.data[i]) return data;
    return null;
  };
  return { image, clear: () => ctx.clearRect(0, 0, canvas.width, canvas.height) };
}
