/**
 * Group traffic tacet refused — a change signed by someone who is not an
 * admin, a replayed old change, a forged invitation — or a gap it is catching
 * up on, said in plain words with who it came from. Nothing in the group
 * changed because of it; "Dismiss" hides the ones seen.
 */
import { useState } from 'preact/hooks';
import { sentence } from '../human-error.js';
import type { ChatService, GroupWarningView } from '../service.js';
import { useReloading } from '../use-reloading.js';

export interface GroupWarningsProps {
  service: ChatService;
  groupId: string;
  nameOf: (accountId: string) => string;
}

function text(w: GroupWarningView, nameOf: (accountId: string) => string): string {
  const said = sentence(w.detail);
  if (w.reason === 'behind' || w.reason === 'displaced' || w.signer === '') return said;
  return `${said} It came from ${nameOf(w.signer)}; nothing in the group changed.`;
}

/** @example <GroupWarnings service={s} groupId={g.id} nameOf={(id) => id} /> */
export function GroupWarnings({ service, groupId, nameOf }: GroupWarningsProps) {
  const warnings = useReloading<GroupWarningView[]>(
    [],
    () => service.listGroupWarnings(groupId),
    (reload) =>
      service.subscribe((e) => {
        if (e.type === 'group-warning' && e.groupId === groupId) reload();
      }),
    [service, groupId],
  );
  const [seen, setSeen] = useState(0);
  const shown = warnings.slice(seen);
  if (shown.length === 0) return null;
  return (
    <section class="banner danger" role="alert" data-testid="group-warning">
      <ul>
        {shown.map((w, i) => (
          <li key={seen + i} data-reason={w.reason}>
            {text(w, nameOf)}
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => setSeen(warnings.length)}>
        Dismiss
      </button>
    </section>
  );
}
