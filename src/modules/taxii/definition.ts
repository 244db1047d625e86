// A TAXII 2.1 server (OASIS TAXII Version 2.1): collections of STIX 2.1 objects with per-collection
// read/write grants, served at /taxii2/ to existing TAXII clients, and a service other modules
// (the J-CSIP hub) use to create collections and add objects. See docs/modules/taxii.md.
import type { ModuleDefinition } from '../../platform/module.js';
import { createTaxiiService, taxiiMigrations, type TaxiiService } from './service.js';
import { taxiiRoutes } from './http.js';
import { tokenRoutes } from './tokens.js';

export type { TaxiiService, TaxiiGrant } from './service.js';

export const taxiiModule: ModuleDefinition<TaxiiService> = {
  name: 'taxii',
  title: { ja: 'TAXII 2.1 サーバー', en: 'TAXII 2.1 server' },
  migrations: taxiiMigrations,
  service: (ctx) => createTaxiiService(ctx),
  async routes(app, ctx) {
    await taxiiRoutes(app, ctx);
    await tokenRoutes(app, ctx);
  },
};
