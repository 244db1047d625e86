import type { AdvisoriesPart } from '../part.js';

export const part: AdvisoriesPart = { name: 'catalogue' };
