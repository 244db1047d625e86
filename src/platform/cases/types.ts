// Case types are data: states, transitions and who may fire them. The engine enforces them.
import type { VNode } from 'preact';
import type { Lang, Text } from '../i18n/i18n.js';

export interface CaseStateDef {
  label: Text;
  /** A closed state: the case counts as closed (終了) while it is here. */
  terminal?: boolean;
}

export interface CaseTransitionDef {
  /** Stable name used by APIs and forms, e.g. 'forward_to_coordinator'. */
  name: string;
  label: Text;
  from: string[];
  to: string;
  /** Permission the actor needs (staff); organisation parties may be allowed by `party`. */
  permission: string;
  /** A closure reason from this list is required. */
  reasons?: Record<string, Text>;
  /** Only allowed when the case was closed with one of these reasons (e.g. publishing an 連絡不能 case). */
  fromReasons?: string[];
  /** Refuses the transition with a message when a precondition of the domain is not met. */
  guard?(record: CaseRecord): Text | null;
  /** Domain effect run in the same transaction after the state change (add a party, set a date…). */
  effect?(args: { record: CaseRecord; actor: import('../context.js').Actor; trx: import('../context.js').Executor; input: TransitionInput }): Promise<void>;
}

/** Extra input a transition may carry (e.g. the developer organisation to contact). */
export interface TransitionInput { reason?: string; note?: string; organisationId?: string; details?: Record<string, unknown> }

export interface CaseTypeDefinition {
  type: string;
  title: Text;
  /** Reference number prefix: IPA-P gives IPA-P-2026-00001 (year of receipt, JST). */
  refPrefix: string;
  initial: string;
  states: Record<string, CaseStateDef>;
  transitions: CaseTransitionDef[];
  /** Permission needed by staff to read cases of this type (every read is audited). */
  readPermission: string;
  /** Permission needed by staff to change cases (assign, tags, due date, messages, parties). */
  writePermission: string;
  /** Label/value pairs of the case data shown on case pages (staff and, if `public`, parties). */
  describe?(record: CaseRecord, lang: Lang): Array<{ label: Text; value: string; public?: boolean }>;
  /** Extra staff panel (module-specific actions posting to the module's own routes). */
  staffPanel?(props: { record: CaseRecord; lang: Lang; csrfToken: string; orgs: import('../auth/auth.js').Organisation[]; can(permission: string): boolean }): VNode | null;
  /** Extra panel shown to a party (e.g. a vendor proposing a publication date). */
  partyPanel?(props: { record: CaseRecord; lang: Lang; csrfToken: string; role: PartyRole; action: string }): VNode | null;
  /** Shared mailbox of the desk, reminded of overdue unassigned cases. */
  deskEmail?: string;
  /** Columns of the CSV export beyond the common ones. */
  csvColumns?: Array<{ header: string; value(record: CaseRecord): unknown }>;
  /**
   * Retention of personal data: once a case has been closed for `days`, a daily kernel job removes
   * these keys of its data (dotted paths allowed, e.g. 'reporter.name') and the names and e-mail
   * addresses of its parties without an account. State, history and other data stay, so statistics
   * survive.
   */
  retention?: {
    days: number;
    personalKeys: string[];
    /** Module data held elsewhere (own tables, files): purge it in the same transaction (`trx` only). */
    purge?(ctx: import('../context.js').AppContext, caseId: string, trx: import('../context.js').Executor): Promise<void>;
  };
}

export type PartyRole = 'reporter' | 'coordinator' | 'vendor' | 'operator' | 'priority_recipient';

export interface CaseParty {
  id: string;
  caseId: string;
  role: PartyRole;
  organisationId: string | null;
  userId: string | null;
  /** For reporters without an account: contact address and tracking-token hash. */
  email: string | null;
  name: string | null;
  addedAt: Date;
}

export interface CaseRecord {
  id: string;
  type: string;
  ref: string;
  state: string;
  title: string;
  data: Record<string, unknown>;
  tags: string[];
  assigneeId: string | null;
  dueAt: Date | null;
  receivedAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  closureReason: string | null;
  version: number;
}

export interface CaseMessage {
  id: string;
  caseId: string;
  authorName: string;
  authorUserId: string | null;
  authorPartyId: string | null;
  /** 'internal' = staff only; otherwise the party ids that may see it (staff always see). */
  visibility: 'internal' | 'parties';
  partyIds: string[];
  body: string;
  createdAt: Date;
  attachments: Array<{ fileId: string; filename: string; size: number; contentType: string }>;
}

export interface CaseEvent {
  id: number;
  caseId: string;
  at: Date;
  kind: string;
  actorName: string;
  actorUserId: string | null;
  fromState: string | null;
  toState: string | null;
  reason: string | null;
  details: Record<string, unknown>;
}
