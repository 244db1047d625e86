// Japanese first, English second. Texts are kept as {ja, en} pairs next to the code that uses them,
// so a missing translation is a type error rather than a blank on the page.
export type Lang = 'ja' | 'en';
export interface Text { ja: string; en: string }
export const LANGS: Lang[] = ['ja', 'en'];

export function t(text: Text, lang: Lang, vars?: Record<string, string | number>): string {
  let s = text[lang];
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

export function both(text: Text, vars?: Record<string, string | number>): string {
  return `${t(text, 'ja', vars)} / ${t(text, 'en', vars)}`;
}

export function parseLang(v: unknown): Lang | undefined {
  return v === 'ja' || v === 'en' ? v : undefined;
}
