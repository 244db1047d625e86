// The top page lists every loaded module's public entry points; it knows no module by name.
import type { FastifyInstance } from 'fastify';
import type { ModuleDefinition } from '../module.js';
import { Layout } from './layout.js';
import { pageContext, sendPage } from '../http/request.js';
import { t } from '../i18n/i18n.js';

export async function homeRoutes(app: FastifyInstance, modules: ModuleDefinition[]) {
  app.get('/', async (req, reply) => {
    const lang = req.lang;
    return sendPage(reply, (
      <Layout ctx={pageContext(req)} title={{ ja: 'Mamori 業務基盤', en: 'Mamori services' }}>
        <p>{lang === 'ja' ? '情報セキュリティと IT 人材に関する公的サービスの窓口です。' : 'Public services for IT security and IT skills.'}</p>
        {modules.filter((m) => m.nav?.length).map((m) => (
          <section>
            <h2>{t(m.title, lang)}</h2>
            <ul>{m.nav!.map((n) => <li><a href={n.href}>{t(n.label, lang)}</a></li>)}</ul>
          </section>
        ))}
        <h2>{lang === 'ja' ? '開発者向け' : 'For developers'}</h2>
        <ul><li><a href="/api/docs">{lang === 'ja' ? 'API ドキュメント（OpenAPI 3.1）' : 'API documentation (OpenAPI 3.1)'}</a></li></ul>
      </Layout>
    ));
  });
}
