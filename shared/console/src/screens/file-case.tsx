// The hall window: file a case for a person at the counter. Pick the item, fill in the applicant and
// the form, attach the guide's materials (each uploaded with its progress shown), file — once, however
// often the button is pressed or the request retried (one Idempotency-Key per application) — and print
// the receipt (收件回执).
import type { FormEvent } from 'react';
import { useRef, useState } from 'react';
import { must } from '../api/client.ts';
import type { FilingResult, PublishedItem } from '../api/types.ts';
import { fileCase, getItem } from '../api/types.ts';
import { useT } from '../i18n.tsx';
import { usePlatform } from '../platform.tsx';
import { href } from '../router.ts';
import { Choice, ErrorNote, Show, newIdempotencyKey, useAction, useLoad, chinaTime } from '../ui.tsx';
import type { Uploaded } from '../upload.ts';
import { uploadFile } from '../upload.ts';
import { MaterialFile, useMaterialFiles } from '../material-file.tsx';

export function FileCase() {
  const t = useT();
  const { api } = usePlatform();
  const [code, setCode] = useState('');
  const [catalogue] = useLoad(() => must(api.GET('/v1/items', { params: { query: { limit: 100 } } })), [api]);
  return (
    <main className="panel">
      <h1>{t('窗口收件', 'File a case at the window')}</h1>
      <Show loaded={catalogue}>
        {({ items }) => (
          <label>
            {t('办理事项', 'Service item')}
            <select value={code} onChange={(e) => setCode(e.target.value)}>
              <option value="">{t('请选择事项', 'Choose an item')}</option>
              {items
                .filter((i) => i.effectivePublicState === 'published')
                .map((i) => (
                  <option key={i.code} value={i.code}>
                    {i.name}（{i.departmentName ?? i.departmentId}）
                  </option>
                ))}
            </select>
          </label>
        )}
      </Show>
      {code ? <ItemFiling key={code} code={code} /> : null}
    </main>
  );
}

function ItemFiling({ code }: { code: string }) {
  const { api } = usePlatform();
  const [item] = useLoad(() => getItem(api, code), [api, code]);
  return <Show loaded={item}>{(i) => <FilingForm item={i} />}</Show>;
}

function FilingForm({ item }: { item: PublishedItem }) {
  const t = useT();
  const { api } = usePlatform();
  const guide = item.guide;
  const [kind, setKind] = useState<'person' | 'organisation'>('person');
  const [fields, setFields] = useState({ name: '', id: '', phone: '', contactName: '' });
  const { files, progress, choose, report } = useMaterialFiles();
  const [note, setNote] = useState('');
  const [idempotencyKey] = useState(newIdempotencyKey);
  // What was uploaded already, by material: a retry after a refusal does not send it again.
  const uploaded = useRef<Record<string, Uploaded>>({});
  const [receipt, setReceipt] = useState<Awaited<ReturnType<typeof file>> | undefined>();
  const { busy, error, run } = useAction();

  const set = (name: keyof typeof fields) => (e: { target: { value: string } }) => setFields({ ...fields, [name]: e.target.value });
  const applicant =
    kind === 'person'
      ? { kind, residentId: fields.id.trim(), name: fields.name.trim(), phone: fields.phone.trim() }
      : { kind, creditCode: fields.id.trim(), name: fields.name.trim(), contact: { name: fields.contactName.trim(), phone: fields.phone.trim() } };

  async function file() {
    for (const [name, f] of Object.entries(files)) {
      uploaded.current[name] ??= await uploadFile(api, f, report(name));
    }
    const materials = Object.fromEntries(Object.keys(files).map((name) => [name, uploaded.current[name]!]));
    // The form is free JSON (the item defines it); openapi-fetch's type for a recursive JSON value
    // does not admit a plain record of strings, which the schema does.
    const form = (note.trim() ? { 申请说明: note.trim() } : {}) as Record<string, never>;
    return fileCase(api, idempotencyKey, { itemCode: item.code, applicant, form, materials });
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => setReceipt(await file()));
  };

  if (receipt) return <ReceiptView receipt={receipt.receipt} applicantName={fields.name} />;
  return (
    <form onSubmit={submit} aria-label={t('收件', 'Filing')}>
      <h2>{guide.name}</h2>
      <fieldset>
        <legend>{t('申请人', 'Applicant')}</legend>
        <Choice
          legend={['申请人类型', 'Kind of applicant']}
          name="kind"
          value={kind}
          onChange={setKind}
          options={[
            ['person', '自然人', 'Person'],
            ['organisation', '法人或其他组织', 'Organisation'],
          ]}
        />
        <label>
          {t('名称/姓名', 'Name')}
          <input value={fields.name} onChange={set('name')} required maxLength={200} />
        </label>
        <label>
          {kind === 'person' ? t('居民身份证号码', 'Resident ID number') : t('统一社会信用代码', 'Unified social credit code')}
          <input value={fields.id} onChange={set('id')} required maxLength={18} />
        </label>
        {kind === 'organisation' ? (
          <label>
            {t('联系人', 'Contact person')}
            <input value={fields.contactName} onChange={set('contactName')} required maxLength={100} />
          </label>
        ) : null}
        <label>
          {t('联系电话', 'Phone')}
          <input value={fields.phone} onChange={set('phone')} required maxLength={20} />
        </label>
      </fieldset>
      <fieldset>
        <legend>{t('申请材料', 'Materials')}</legend>
        {guide.materials.map((m) => (
          <MaterialFile
            key={m.name}
            name={m.name}
            tags={
              <>
                {m.required ? <span className="tag">{t('必需', 'required')}</span> : null}
                {m.tolerable ? <span className="tag">{t('可容缺', 'may follow')}</span> : null}
              </>
            }
            progress={progress[m.name]}
            onFile={(f) => {
              // Another file for this material: the one uploaded before is not it.
              delete uploaded.current[m.name];
              choose(m.name, f);
            }}
          />
        ))}
      </fieldset>
      <label>
        {t('申请说明', 'Note')}
        <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={2} maxLength={1000} />
      </label>
      {error ? <ErrorNote error={error} /> : null}
      <button type="submit" disabled={busy}>
        {busy ? t('提交中…', 'Filing…') : t('提交申请', 'File the application')}
      </button>
    </form>
  );
}

type ReceiptData = FilingResult['receipt'];

function ReceiptView({ receipt, applicantName }: { receipt: ReceiptData; applicantName: string }) {
  const t = useT();
  return (
    <section className="receipt" aria-labelledby="receipt">
      <h2 id="receipt">{t('收件回执', 'Receipt')}</h2>
      <dl>
        <dt>{t('办件编号', 'Case number')}</dt>
        <dd data-testid="case-no">{receipt.caseNo}</dd>
        <dt>{t('事项', 'Item')}</dt>
        <dd>{receipt.itemName}</dd>
        <dt>{t('申请人', 'Applicant')}</dt>
        <dd>{applicantName}</dd>
        <dt>{t('收件时间', 'Received at')}</dt>
        <dd>{chinaTime(receipt.receivedAt)}</dd>
        <dt>{t('答复期限', 'Answer due')}</dt>
        <dd>
          {receipt.answerDueOn ?? '—'}
          {receipt.provisional?.includes('answerDueOn') ? <span className="tag provisional">{t('暂定', 'provisional')}</span> : null}
        </dd>
        <dt>{t('已收材料', 'Materials received')}</dt>
        <dd>{receipt.materials.map((m) => m.name).join('、')}</dd>
        <dt>{t('记录哈希', 'Entry hash')}</dt>
        <dd>
          <code>{receipt.entryHash}</code>
        </dd>
      </dl>
      <p className="no-print">
        <button type="button" onClick={() => window.print()}>
          {t('打印回执', 'Print the receipt')}
        </button>{' '}
        <a href={href('cases', receipt.caseNo)}>{t('查看办件', 'Open the case')}</a> ·{' '}
        <a href={href('file')} onClick={() => location.reload()}>
          {t('办理下一件', 'Next applicant')}
        </a>
      </p>
    </section>
  );
}
