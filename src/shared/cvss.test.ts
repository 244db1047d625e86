import { describe, expect, it } from 'vitest';
import { CvssError, parseCvss } from './cvss.js';

describe('parseCvss', () => {
  it('scores complete vectors of every version with the library', () => {
    expect(parseCvss('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toMatchObject({ version: '3.1', baseScore: 9.8, severity: 'critical' });
    expect(parseCvss('AV:N/AC:L/Au:N/C:P/I:P/A:P')).toMatchObject({ version: '2.0', baseScore: 7.5, severity: 'high' });
    expect(parseCvss('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')).toMatchObject({ version: '4.0', baseScore: 9.3, severity: 'critical' });
  });
  it('refuses incomplete vectors (which the library would score 0.0) and repeated metrics, naming them', () => {
    expect(() => parseCvss('CVSS:4.0/AV:N')).toThrow(CvssError);
    expect(() => parseCvss('CVSS:4.0/AV:N')).toThrow(/missing \(AC, AT, PR, UI, VC, VI, VA, SC, SI, SA\)/);
    expect(() => parseCvss('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:L')).toThrow(/repeated \(A\)/);
    expect(() => parseCvss('nonsense')).toThrow(CvssError);
  });
});
