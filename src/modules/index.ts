// The one list of modules the platform loads, in migration order.
import type { ModuleDefinition } from '../platform/module.js';
import { vulnDeskModule } from './vuln-desk/definition.js';
import { planModule } from './plan/definition.js';
import { incidentReportsModule } from './incident-reports/definition.js';
import { targetedAttackModule } from './targeted-attack/definition.js';
import { consultationModule } from './consultation/definition.js';
import { taxiiModule } from './taxii/definition.js';
import { jcsipModule } from './jcsip/definition.js';
import { advisoriesModule } from './advisories/definition.js';

export const modules: ModuleDefinition<any>[] = [vulnDeskModule, planModule, incidentReportsModule, targetedAttackModule, consultationModule, taxiiModule, jcsipModule, advisoriesModule];
