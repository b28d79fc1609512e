// Loaded only when a slip is prepared: pdf.js (with its worker) draws every PDF page at 2× and keeps the positioned
// text; photos are downscaled to at most 2,000 px on the long side as JPEG 0.85.
import * as pdfjs from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import type { TextLayer } from '../domain/slip';

pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;

const MAX_PHOTO_SIDE = 2000;

function canvasBlob(canvas: HTMLCanvasElement, type: string, quality?: number): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the page could not be drawn'))), type, quality)
  );
}

export async function preparePdf(file: Blob): Promise<{ pages: Blob[]; textLayer: TextLayer }> {
  const pdf = await pdfjs.getDocument({ data: new Uint8Array(await file.arrayBuffer()), isEvalSupported: false })
    .promise;
  try {
    const pages: Blob[] = [];
    const textLayer: TextLayer = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const [, , width, height] = page.view;
      const content = await page.getTextContent();
      textLayer.push({
        width,
        height,
        items: content.items.flatMap((i) =>
          'str' in i && i.str.trim() !== ''
            ? [{ s: i.str, x: i.transform[4], y: height - i.transform[5], w: i.width, h: i.height }]
            : []
        )
      });
      const viewport = page.getViewport({ scale: 2 });
      const canvas = document.createElement('canvas');
      canvas.width = Math.ceil(viewport.width);
      canvas.height = Math.ceil(viewport.height);
      await page.render({ canvas, viewport }).promise;
      pages.push(await canvasBlob(canvas, 'image/jpeg', 0.85));
      page.cleanup();
    }
    return { pages, textLayer };
  } finally {
    await pdf.destroy();
  }
}

/** The photo at most MAX_PHOTO_SIDE on its long side, as JPEG; null when the browser cannot decode it (HEIC, mostly). */
export async function downscalePhoto(file: Blob): Promise<Blob | null> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return null;
  }
  const scale = Math.min(1, MAX_PHOTO_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return canvasBlob(canvas, 'image/jpeg', 0.85);
}
