// Per-request state the kernel attaches: language, actor and CSRF token.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../context.js';
import type { Lang, Text } from '../i18n/i18n.js';
import type { PageContext } from '../ui/layout.js';
import { renderPage } from '../ui/layout.js';
import type { VNode } from 'preact';

declare module 'fastify' {
  interface FastifyRequest {
    lang: Lang;
    actor: Actor;
    /** Computed on first read (see app.ts); reading it sets the seed cookie if the client has none. */
    readonly csrfToken: string;
    csrfReply: import('fastify').FastifyReply | null;
    csrfCache: string | null;
    sessionId: string | null;
  }
  interface FastifyInstance {
    mamoriRoutes: Array<{ method: string; url: string }>;
    responseCache: import('./response-cache.js').ResponseCache;
  }
  interface FastifyContextConfig {
    /** Skip the CSRF check (machine endpoints authenticated otherwise). */
    csrf?: false;
  }
}

let navProvider: () => PageContext['nav'] = () => [];
export function setNav(fn: () => PageContext['nav']): void { navProvider = fn; }

export interface StaffLink { href: string; label: Text; permission: string }
let staffNavProvider: () => StaffLink[] = () => [];
export function setStaffNav(fn: () => StaffLink[]): void { staffNavProvider = fn; }
/** Workbench links of the modules that this actor may use. */
export function staffLinks(actor: Actor): StaffLink[] { return staffNavProvider().filter((l) => actor.permissions.has(l.permission)); }

export function pageContext(req: FastifyRequest): PageContext {
  return {
    lang: req.lang,
    url: req.url,
    csrfToken: req.csrfToken,
    user: req.actor.kind === 'public' || req.actor.kind === 'system' ? null : { displayName: req.actor.displayName, kind: req.actor.kind },
    nav: navProvider(),
  };
}

export function sendPage(reply: FastifyReply, node: VNode, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(renderPage(node));
}

/** True when the client is a browser asking for a page rather than an API client. */
export function wantsHtml(req: FastifyRequest): boolean {
  if (req.url.startsWith('/api/')) return false;
  const accept = req.headers.accept ?? '';
  return accept.includes('text/html');
}
