// One error shape for the whole API: {error: {code, message, details}}. Messages are bilingual
// texts; the response carries the requested language and keeps the other one for clients.
import type { Text } from '../i18n/i18n.js';

export interface FieldError { field: string; message: Text }

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly text: Text,
    readonly details: FieldError[] = [],
  ) {
    super(text.en);
  }
}

export const badRequest = (code: string, text: Text, details: FieldError[] = []) => new AppError(400, code, text, details);
export const validationFailed = (details: FieldError[]) =>
  new AppError(422, 'validation_failed', { ja: '入力内容に誤りがあります。', en: 'Some fields are invalid.' }, details);
export const notFound = (what: Text = { ja: 'ページ', en: 'page' }) =>
  new AppError(404, 'not_found', { ja: `${what.ja}が見つかりません。`, en: `The ${what.en} was not found.` });
export const forbidden = () =>
  new AppError(403, 'forbidden', { ja: 'この操作を行う権限がありません。', en: 'You are not allowed to do this.' });
export const unauthenticated = () =>
  new AppError(401, 'unauthenticated', { ja: 'ログインが必要です。', en: 'You need to log in.' });
export const conflict = (code: string, text: Text) => new AppError(409, code, text);
