// MyJVN-compatible API (`/myjvn?method=…&feed=hnd|oka`) and the JVNRSS feed of new and updated
// advisories (`/advisories/feed/jvnrss.xml`). See docs/modules/advisories/myjvn.md.
import { sql } from 'kysely';
import type { AdvisoriesPart } from '../part.js';
import { myjvnRoutes } from './routes.js';

export const part: AdvisoriesPart = {
  name: 'myjvn',
  migrations: [{
    id: 'advisories_myjvn_001_indexes',
    async up(db) {
      // getVulnOverviewList pages published advisories by last change; counts use the same ranges.
      await sql`create index advisories_myjvn_modified on advisories (modified_at desc, jvndb_id desc) where state in ('published', 'revised')`.execute(db);
      // Ranges of public_date and first_published_at use the core's advisories_public_order and
      // advisories_first_published indexes (every index slows the bulk import down).
      await sql`create index advisories_myjvn_cvss on advisories_cvss (version, severity, advisory_id)`.execute(db);
      // getVendorList / getProductList order by name.
      await sql`create index advisories_myjvn_vendor_name on advisories_vendors (name, id)`.execute(db);
      await sql`create index advisories_myjvn_product_vendor on advisories_products (vendor_id, name, id)`.execute(db);
    },
  }],
  routes: myjvnRoutes,
};
