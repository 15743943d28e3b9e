// One action's form as every screen that acts writes it: its title (also its accessible name), its
// fields, the submit with its busy state, and the platform's refusal in its own words; and the reasons
// field most actions carry, one reason a line.
import type { FormEvent, ReactNode } from 'react';
import { useT } from './i18n.tsx';
import { ErrorNote, useAction } from './ui.tsx';

/** One action's form: its title, its fields, the submit and the refusal, sent as `send` builds it. */
export function ActionForm({
  title,
  children,
  send,
  onDone,
  submitLabel,
  secondary,
}: {
  title: [string, string];
  children?: ReactNode;
  send: () => Promise<void>;
  onDone: () => void;
  submitLabel?: [string, string];
  /** A lesser action beside the main one (its button drawn as such). */
  secondary?: boolean;
}) {
  const t = useT();
  const { busy, error, run } = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await send();
      onDone();
    });
  };
  const label = t(...title);
  return (
    <form className="action" onSubmit={submit} aria-label={label}>
      <h3>{label}</h3>
      {children}
      {error ? <ErrorNote error={error} /> : null}
      <button type="submit" className={secondary ? 'secondary' : undefined} disabled={busy}>
        {busy ? t('提交中…', 'Sending…') : t(...(submitLabel ?? title))}
      </button>
    </form>
  );
}

/** A list of reasons, one a line. */
export function ReasonsField({
  value,
  onChange,
  label = ['理由（每行一条）', 'Reasons (one a line)'],
}: {
  value: string;
  onChange: (v: string) => void;
  label?: [string, string];
}) {
  const t = useT();
  return (
    <label>
      {t(...label)}
      <textarea value={value} onChange={(e) => onChange(e.target.value)} rows={2} />
    </label>
  );
}

/** The non-empty lines of a text, trimmed: a reasons field's reasons. */
export const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
