import { type Document, isMap, isSeq, parseDocument, Scalar, type YAMLMap, YAMLSeq } from 'yaml';
import type { OrgAccount } from '../model/provider.js';
import type { AccountSetChanges } from './compare.js';

const INACTIVE = new Set(['SUSPENDED', 'PENDING_CLOSURE', 'CLOSED']);

function quoted(value: string): Scalar {
  const s = new Scalar(value);
  s.type = Scalar.QUOTE_SINGLE;
  return s;
}

function accountNode(a: OrgAccount, today: string): Record<string, unknown> {
  const node: Record<string, unknown> = {
    id: quoted(a.id),
    name: a.name,
    state: a.state,
    ou: a.ouPath,
    joined: quoted(a.joined),
  };
  if (INACTIVE.has(a.state)) node.closed = quoted(today);
  return node;
}

/**
 * Applies the changes to the text of accounts.yaml, keeping its comments, its order and every
 * field a person added. New accounts are appended in id order. Returns the new text.
 */
export function updateAccountsYaml(text: string, changes: AccountSetChanges, today: string): string {
  const parsed = parseDocument(text || 'accounts: []\n');
  if (parsed.errors.length)
    throw new Error(`config/accounts.yaml does not parse: ${parsed.errors[0]?.message}`);
  // Edited as a plain document: its contents may become nodes of our own, not only parsed ones.
  const doc: Document = parsed;
  if (!isMap(doc.contents)) doc.contents = doc.createNode({ accounts: [] });
  let seq = doc.get('accounts', true);
  if (!isSeq(seq)) {
    seq = new YAMLSeq();
    doc.set('accounts', seq);
  }
  const entries = new Map<string, YAMLMap>();
  for (const item of (seq as YAMLSeq).items) {
    if (isMap(item)) entries.set(String(item.get('id')), item);
  }
  for (const r of changes.renamed) entries.get(r.id)?.set('name', r.to);
  for (const m of changes.moved) entries.get(m.id)?.set('ou', m.to);
  for (const c of changes.closed) {
    const e = entries.get(c.id);
    if (!e) continue;
    e.set('state', c.to);
    if (!e.has('closed')) e.set('closed', quoted(today));
  }
  for (const c of changes.reactivated) {
    const e = entries.get(c.id);
    if (!e) continue;
    e.set('state', c.to);
    e.delete('closed');
  }
  for (const a of changes.left) {
    const e = entries.get(a.id);
    if (!e) continue;
    e.set('state', 'CLOSED');
    if (!e.has('closed')) e.set('closed', quoted(today));
  }
  // A flow-style empty list (`accounts: []`) becomes a block list once it has entries.
  if ((seq as YAMLSeq).flow && changes.added.length) (seq as YAMLSeq).flow = false;
  for (const a of changes.added) (seq as YAMLSeq).add(doc.createNode(accountNode(a, today)));
  return doc.toString({ lineWidth: 0 });
}
