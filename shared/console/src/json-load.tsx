// Loading operated data (a year of the official calendar, the supervision rules) from a JSON document
// chosen as a file or pasted, optionally started from the version in force: the console only parses
// the JSON; the API checks the document (its schema and rules at the edge) and its refusal is shown as
// it words it, with the field.
import type { ReactNode } from 'react';
import { useState } from 'react';
import { useT } from './i18n.tsx';
import { ErrorNote, useAction } from './ui.tsx';

export function JsonLoad({
  id,
  title,
  level = 'h3',
  template,
  submitLabel,
  load,
  children,
}: {
  id: string;
  title: string;
  /** The title's heading level where the form stands (a section of its own: h2). */
  level?: 'h2' | 'h3';
  /** The document to start from (the version in force with the next version number), if any. */
  template?: string | undefined;
  submitLabel: string;
  /** Sends the document; answers what to say once it is loaded. */
  load: (document: unknown) => Promise<string>;
  children?: ReactNode;
}) {
  const t = useT();
  const [text, setText] = useState('');
  const [done, setDone] = useState<string | undefined>(undefined);
  const { busy, error, run } = useAction();
  const submit = () =>
    run(async () => {
      setDone(undefined);
      let document: unknown;
      try {
        document = JSON.parse(text);
      } catch (e) {
        throw new Error(t(`不是有效的 JSON：${String(e)}`, `not valid JSON: ${String(e)}`));
      }
      setDone(await load(document));
    });
  return (
    <form
      className="action"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {level === 'h2' ? <h2 id={`${id}-title`}>{title}</h2> : <h3 id={`${id}-title`}>{title}</h3>}
      {children}
      <label>
        {t('选择 JSON 文件', 'Choose a JSON file')}
        <input
          id={`${id}-file`}
          type="file"
          accept=".json,application/json"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void file.text().then(setText);
          }}
        />
      </label>
      <label>
        {t('或粘贴文件内容', 'Or paste the document')}
        <textarea id={`${id}-json`} className="json" rows={12} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
      </label>
      {error ? <ErrorNote error={error} /> : null}
      {done ? (
        <p role="status" className="ok">
          {done}
        </p>
      ) : null}
      <p className="actions-row">
        <button type="submit" disabled={busy || !text.trim()}>
          {submitLabel}
        </button>
        {template ? (
          <button type="button" className="secondary" onClick={() => setText(template)}>
            {t('以现行版本为底稿', 'Start from the version in force')}
          </button>
        ) : null}
      </p>
    </form>
  );
}
