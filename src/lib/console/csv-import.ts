// The console's two CSV import forms (the item import on /data, and CsvImport for the purchasing master data)
// offer a template and read a refused import the same way.

export interface CsvError {
  row: number;
  column: string;
  message: string;
}
export interface Applied {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
}

/** Offers CSV text as a file download; the byte-order mark makes Excel read it as UTF-8. */
export function downloadCsv(text: string, name: string) {
  const url = URL.createObjectURL(new Blob(['\uFEFF' + text], { type: 'text/csv;charset=utf-8' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** What a refused import answered (`body` is the parsed JSON, null if there was none): its message and every error listed. */
export function importRefusal(
  status: number,
  body: unknown
): { failure: string; errors: CsvError[]; errorTotal: number } {
  const error = (body as { error?: { message?: string; details?: { errors?: CsvError[]; total?: number } } } | null)
    ?.error;
  const errors = error?.details?.errors ?? [];
  return {
    failure: error?.message ?? `The server answered ${status}.`,
    errors,
    errorTotal: error?.details?.total ?? errors.length
  };
}
