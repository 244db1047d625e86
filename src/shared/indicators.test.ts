// Indicator extraction, refanging and defanging; e-mail parsing without rendering. Pure functions.
import { describe, expect, it } from 'vitest';
import { defang, extractIndicators, normaliseIndicator, refang } from './indicators.js';
import { emailIndicators, parseEmail } from './eml.js';
import { hashesOf } from './quarantine.js';

describe('indicators', () => {
  it('refangs the usual notations', () => {
    expect(refang('hxxp://evil[.]example/a')).toBe('http://evil.example/a');
    expect(refang('hXXps[:]//c2(.)example[dot]org')).toBe('https://c2.example.org');
    expect(refang('attacker[@]mail[.]example')).toBe('attacker@mail.example');
    expect(refang('198.51.100[.]7')).toBe('198.51.100.7');
  });

  it('extracts IPs, domains, URLs, e-mail addresses and hashes from defanged and plain text', () => {
    const text = [
      'C2: hxxps://update-check[.]example/gate.php?id=1, 203.0.113[.]77 and 2001:db8::1.',
      'Sender: attacker[@]freemail[.]example; see also plain.example.org',
      'MD5 d41d8cd98f00b204e9800998ecf8427e SHA1 da39a3ee5e6b4b0d3255bfef95601890afd80709',
      'SHA256 E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855',
      'Attachment invoice.pdf and run.exe are file names, not domains. Time 10:30:00 is no IPv6.',
    ].join('\n');
    const got = extractIndicators(text).map((i) => `${i.type}:${i.value}`);
    expect(got).toEqual(expect.arrayContaining([
      'url:https://update-check.example/gate.php?id=1', 'domain:update-check.example', 'ipv4:203.0.113.77', 'ipv6:2001:db8::1',
      'email:attacker@freemail.example', 'domain:freemail.example', 'domain:plain.example.org',
      'md5:d41d8cd98f00b204e9800998ecf8427e', 'sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709',
      'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    ]));
    expect(got.some((g) => g.includes('invoice.pdf') || g.includes('run.exe') || g.includes('10:30'))).toBe(false);
    expect(new Set(got).size).toBe(got.length);
  });

  it('defangs for display and normalises typed input', () => {
    expect(defang({ type: 'url', value: 'https://evil.example/x.y' })).toBe('hxxps[:]//evil[.]example/x.y');
    expect(defang({ type: 'domain', value: 'evil.example' })).toBe('evil[.]example');
    expect(defang({ type: 'ipv4', value: '192.0.2.1' })).toBe('192.0.2[.]1');
    expect(defang({ type: 'email', value: 'a.b@evil.example' })).toBe('a.b[@]evil[.]example');
    expect(normaliseIndicator('domain', 'Evil[.]Example')).toEqual({ type: 'domain', value: 'evil.example' });
    expect(normaliseIndicator('ipv4', '999.1.1.1')).toBeNull();
    expect(normaliseIndicator('sha256', 'abc')).toBeNull();
  });
});

const EML = [
  'From: "Billing" <billing@sender.example>',
  'Reply-To: pay@freemail.example',
  'To: victim@company.example.jp',
  'Subject: =?UTF-8?B?6KuL5rGC5pu4?=',
  'Date: Tue, 01 Sep 2026 09:12:00 +0900',
  'Message-ID: <x1@sender.example>',
  'Received: from mx.company.example.jp by mail.company.example.jp; Tue, 01 Sep 2026 09:12:03 +0900',
  'Received: from relay (198.51.100.23) by mx.company.example.jp; Tue, 01 Sep 2026 09:12:01 +0900',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/html; charset=UTF-8',
  '',
  '<p>Open <a href="http://phish.example/login?a=1&amp;b=2">here</a></p><script>alert("x")</script><img src="http://tracker.example/p.gif">',
  '--b1',
  'Content-Type: application/octet-stream; name="invoice.xlsm"',
  'Content-Disposition: attachment; filename="invoice.xlsm"',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from('PAYLOAD').toString('base64'),
  '--b1--',
  '',
].join('\r\n');

describe('e-mail parsing', () => {
  it('parses headers, links and attachments (hashed), keeping HTML as source', async () => {
    const e = await parseEmail(Buffer.from(EML));
    expect(e.subject).toBe('請求書');
    expect(e.from).toContain('billing@sender.example');
    expect(e.replyTo).toContain('pay@freemail.example');
    expect(e.to).toContain('victim@company.example.jp');
    expect(e.received).toHaveLength(2);
    expect(e.links.map((l) => l.url)).toContain('http://phish.example/login?a=1&b=2');
    expect(e.attachments).toEqual([expect.objectContaining({ filename: 'invoice.xlsm', ...hashesOf(Buffer.from('PAYLOAD')) })]);
    expect(e.htmlSource).toContain('<script>alert("x")</script>');
    const ind = emailIndicators(e).map((i) => `${i.type}:${i.value}`);
    expect(ind).toEqual(expect.arrayContaining(['email:billing@sender.example', 'email:pay@freemail.example', 'ipv4:198.51.100.23', 'domain:phish.example', `sha256:${hashesOf(Buffer.from('PAYLOAD')).sha256}`]));
    // The victim's address is personal data, not an indicator.
    expect(ind.some((i) => i.includes('victim@'))).toBe(false);
  });

  it('refuses what is not an e-mail message with 422', async () => {
    for (const bad of [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]), Buffer.from('just some text\nwithout headers'), Buffer.from('X-Nothing: 1\n\nbody')]) {
      await expect(parseEmail(bad)).rejects.toMatchObject({ status: 422, details: [expect.objectContaining({ field: 'eml' })] });
    }
  });
});
