// The mid-term target period the FY2020 report measures against (第四期 = FY2018–FY2022).
import type { PlanPeriodSeed } from '../types.js';

export const FOURTH_PERIOD: PlanPeriodSeed = {
  code: 'P4',
  name: { ja: '第四期中期目標期間', en: '4th mid-term target period' },
  firstFy: 2018,
  lastFy: 2022,
};
