// CWE entries offered by the report forms' picker: the weaknesses that JVN iPedia and the
// partnership's quarterly reports see most often, with Japanese names as JVN uses them.
// "CWE-Other"/"NVD-CWE-noinfo" are the catch-alls MyJVN uses when no single CWE fits.
export interface CweEntry { id: string; ja: string; en: string }

export const CWE_LIST: CweEntry[] = [
  { id: 'CWE-79', ja: 'クロスサイトスクリプティング', en: 'Cross-site Scripting' },
  { id: 'CWE-89', ja: 'SQL インジェクション', en: 'SQL Injection' },
  { id: 'CWE-352', ja: 'クロスサイトリクエストフォージェリ', en: 'Cross-Site Request Forgery (CSRF)' },
  { id: 'CWE-22', ja: 'パス・トラバーサル', en: 'Path Traversal' },
  { id: 'CWE-78', ja: 'OS コマンドインジェクション', en: 'OS Command Injection' },
  { id: 'CWE-77', ja: 'コマンドインジェクション', en: 'Command Injection' },
  { id: 'CWE-94', ja: 'コードインジェクション', en: 'Code Injection' },
  { id: 'CWE-20', ja: '不適切な入力確認', en: 'Improper Input Validation' },
  { id: 'CWE-200', ja: '情報漏えい', en: 'Exposure of Sensitive Information' },
  { id: 'CWE-284', ja: '不適切なアクセス制御', en: 'Improper Access Control' },
  { id: 'CWE-285', ja: '不適切な認可', en: 'Improper Authorization' },
  { id: 'CWE-287', ja: '不適切な認証', en: 'Improper Authentication' },
  { id: 'CWE-306', ja: '重要な機能に対する認証の欠如', en: 'Missing Authentication for Critical Function' },
  { id: 'CWE-862', ja: '認可の欠如', en: 'Missing Authorization' },
  { id: 'CWE-863', ja: '不正な認可', en: 'Incorrect Authorization' },
  { id: 'CWE-639', ja: 'ユーザ制御の鍵による認可回避（IDOR）', en: 'Authorization Bypass Through User-Controlled Key' },
  { id: 'CWE-798', ja: 'ハードコードされた認証情報の使用', en: 'Use of Hard-coded Credentials' },
  { id: 'CWE-259', ja: 'ハードコードされたパスワードの使用', en: 'Use of Hard-coded Password' },
  { id: 'CWE-521', ja: '脆弱なパスワードの要求', en: 'Weak Password Requirements' },
  { id: 'CWE-312', ja: '重要な情報の平文保存', en: 'Cleartext Storage of Sensitive Information' },
  { id: 'CWE-319', ja: '重要な情報の平文送信', en: 'Cleartext Transmission of Sensitive Information' },
  { id: 'CWE-295', ja: '不適切な証明書検証', en: 'Improper Certificate Validation' },
  { id: 'CWE-327', ja: '不完全または危険な暗号アルゴリズムの使用', en: 'Use of a Broken or Risky Cryptographic Algorithm' },
  { id: 'CWE-330', ja: '不十分なランダム値の使用', en: 'Use of Insufficiently Random Values' },
  { id: 'CWE-384', ja: 'セッション固定', en: 'Session Fixation' },
  { id: 'CWE-601', ja: 'オープンリダイレクト', en: 'Open Redirect' },
  { id: 'CWE-611', ja: 'XML 外部エンティティ参照（XXE）', en: 'Improper Restriction of XML External Entity Reference' },
  { id: 'CWE-918', ja: 'サーバサイドリクエストフォージェリ（SSRF）', en: 'Server-Side Request Forgery (SSRF)' },
  { id: 'CWE-434', ja: '危険なタイプのファイルの無制限アップロード', en: 'Unrestricted Upload of File with Dangerous Type' },
  { id: 'CWE-502', ja: '信頼できないデータのデシリアライゼーション', en: 'Deserialization of Untrusted Data' },
  { id: 'CWE-1021', ja: 'クリックジャッキング', en: 'Improper Restriction of Rendered UI Layers (Clickjacking)' },
  { id: 'CWE-113', ja: 'HTTP ヘッダインジェクション', en: 'HTTP Response Splitting' },
  { id: 'CWE-93', ja: 'CRLF インジェクション', en: 'CRLF Injection' },
  { id: 'CWE-74', ja: 'インジェクション', en: 'Injection' },
  { id: 'CWE-116', ja: '不適切なエンコーディングまたはエスケープ', en: 'Improper Encoding or Escaping of Output' },
  { id: 'CWE-119', ja: 'バッファエラー', en: 'Improper Restriction of Operations within the Bounds of a Memory Buffer' },
  { id: 'CWE-120', ja: '古典的バッファオーバーフロー', en: 'Classic Buffer Overflow' },
  { id: 'CWE-121', ja: 'スタックベースのバッファオーバーフロー', en: 'Stack-based Buffer Overflow' },
  { id: 'CWE-122', ja: 'ヒープベースのバッファオーバーフロー', en: 'Heap-based Buffer Overflow' },
  { id: 'CWE-125', ja: '範囲外メモリの読み取り', en: 'Out-of-bounds Read' },
  { id: 'CWE-787', ja: '範囲外メモリへの書き込み', en: 'Out-of-bounds Write' },
  { id: 'CWE-190', ja: '整数オーバーフローまたはラップアラウンド', en: 'Integer Overflow or Wraparound' },
  { id: 'CWE-416', ja: '解放済みメモリの使用', en: 'Use After Free' },
  { id: 'CWE-415', ja: '二重解放', en: 'Double Free' },
  { id: 'CWE-476', ja: 'NULL ポインタデリファレンス', en: 'NULL Pointer Dereference' },
  { id: 'CWE-400', ja: '制御されていないリソース消費', en: 'Uncontrolled Resource Consumption' },
  { id: 'CWE-362', ja: '競合状態', en: 'Race Condition' },
  { id: 'CWE-269', ja: '不適切な権限管理', en: 'Improper Privilege Management' },
  { id: 'CWE-276', ja: '不適切なデフォルトパーミッション', en: 'Incorrect Default Permissions' },
  { id: 'CWE-427', ja: '制御されていない検索パスの要素', en: 'Uncontrolled Search Path Element (DLL hijacking)' },
  { id: 'CWE-428', ja: '引用符で囲まれていない検索パス', en: 'Unquoted Search Path or Element' },
  { id: 'CWE-732', ja: '重要なリソースに対する不適切なパーミッションの割り当て', en: 'Incorrect Permission Assignment for Critical Resource' },
  { id: 'CWE-912', ja: '隠し機能（バックドア）', en: 'Hidden Functionality' },
  { id: 'CWE-1188', ja: '安全でないデフォルト値での初期化', en: 'Insecure Default Initialization of Resource' },
  { id: 'CWE-16', ja: '環境設定', en: 'Configuration' },
  { id: 'CWE-Other', ja: 'その他', en: 'Other' },
  { id: 'NVD-CWE-noinfo', ja: '情報不足', en: 'Insufficient information' },
];

const BY_ID = new Map(CWE_LIST.map((c) => [c.id, c]));

export function findCwe(id: string): CweEntry | undefined { return BY_ID.get(id); }

/** Accepts a listed id or any syntactically valid CWE-n (the catalogue has ~900 entries). */
export function normaliseCwe(raw: string): string | null {
  const v = raw.trim().toUpperCase().replace(/^CWE[-‐ー\s]?/, 'CWE-');
  if (/^CWE-\d{1,4}$/.test(v)) return v;
  const listed = CWE_LIST.find((c) => c.id.toUpperCase() === raw.trim().toUpperCase());
  return listed ? listed.id : null;
}

export function searchCwe(q: string, limit = 20): CweEntry[] {
  const s = q.trim().toLowerCase();
  if (!s) return CWE_LIST.slice(0, limit);
  return CWE_LIST.filter((c) => c.id.toLowerCase().includes(s) || c.ja.toLowerCase().includes(s) || c.en.toLowerCase().includes(s)).slice(0, limit);
}
