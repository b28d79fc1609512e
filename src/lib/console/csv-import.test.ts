import { describe, expect, it } from 'vitest';
import { importRefusal } from './csv-import';

describe('importRefusal', () => {
  it('reads the message and the listed errors, with the total the server counted', () => {
    const errors = [{ row: 2, column: 'unit', message: 'is required' }];
    const body = {
      error: {
        code: 'invalid_csv',
        message: 'The file has 12000 error(s); nothing was written.',
        details: { errors, total: 12000 }
      }
    };
    expect(importRefusal(422, body)).toEqual({
      failure: 'The file has 12000 error(s); nothing was written.',
      errors,
      errorTotal: 12000
    });
  });

  it('counts the errors given when no total is said, and names the status when there is no error body', () => {
    const errors = [{ row: 3, column: '', message: 'has 9 columns' }];
    expect(importRefusal(422, { error: { message: 'Bad file.', details: { errors } } })).toEqual({
      failure: 'Bad file.',
      errors,
      errorTotal: 1
    });
    expect(importRefusal(413, { error: { message: 'An import may be at most 8 MiB: split the file.' } })).toEqual({
      failure: 'An import may be at most 8 MiB: split the file.',
      errors: [],
      errorTotal: 0
    });
    expect(importRefusal(502, null)).toEqual({ failure: 'The server answered 502.', errors: [], errorTotal: 0 });
  });
});
