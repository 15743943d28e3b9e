// The forms for what the caller may do to the case now (the case view's `actions`, from the
// platform's own rules). Each sends the case's version as `baseVersion`, so an officer acting on a
// page another has since changed is told so (409) instead of acting on what they did not see, and an
// Idempotency-Key, so a retry after a lost answer does not act twice.
import { useState } from 'react';
import { must } from '../api/client.ts';
import type { CaseView } from '../api/types.ts';
import { useT } from '../i18n.tsx';
import { usePlatform } from '../platform.tsx';
import { ActionForm, ReasonsField, lines } from '../action-form.tsx';
import { Choice, newIdempotencyKey } from '../ui.tsx';
import type { Uploaded } from '../upload.ts';
import { uploadFile } from '../upload.ts';
import { MaterialFile, useMaterialFiles } from '../material-file.tsx';

const PROCEDURES: [string, string, string][] = [
  ['site-inspection', '现场核查', 'site inspection'],
  ['hearing', '听证', 'hearing'],
  ['testing', '检验检测', 'testing'],
  ['expert-review', '专家评审', 'expert review'],
  ['public-notice', '公示', 'public notice'],
  ['tender-auction', '招标拍卖', 'tender or auction'],
  ['quarantine', '检疫', 'quarantine'],
];

const WITH_FORMS = new Set<string>(['request-supplement', 'accept', 'refuse', 'pause', 'resume', 'extend', 'decide', 'opinion', 'supplement', 'deliver', 'withdraw']);

export function CaseActions({ view, onDone }: { view: CaseView; onDone: () => void }) {
  const t = useT();
  const offered = new Set(view.actions);
  // The actions this page has a form for (a correction of the record answers a ticket: tongban cases correct).
  if (!view.actions.some((a) => WITH_FORMS.has(a))) return null;
  return (
    <section aria-labelledby="actions" className="actions">
      <h2 id="actions">{t('办理', 'Act')}</h2>
      {offered.has('request-supplement') ? <SupplementRequestForm view={view} onDone={onDone} /> : null}
      {offered.has('accept') ? <AcceptForm view={view} onDone={onDone} tolerable={offered.has('accept-pending')} /> : null}
      {offered.has('refuse') ? <ReasonsForm view={view} onDone={onDone} action="refuse" title={['不予受理', 'Refuse']} /> : null}
      {offered.has('pause') ? <PauseForm view={view} onDone={onDone} /> : null}
      {offered.has('resume') ? <SimpleForm view={view} onDone={onDone} action="resume" title={['恢复计时', 'Resume the clock']} /> : null}
      {offered.has('extend') ? <ExtendForm view={view} onDone={onDone} /> : null}
      {offered.has('decide') ? <DecideForm view={view} onDone={onDone} /> : null}
      {offered.has('opinion') ? <OpinionForm view={view} onDone={onDone} /> : null}
      {offered.has('supplement') ? <FilesForm view={view} onDone={onDone} action="supplement" names={[...new Set((view.supplementRequest ?? []).map((p) => p.material))]} /> : null}
      {offered.has('deliver') ? <FilesForm view={view} onDone={onDone} action="deliver" names={view.acceptance?.pendingMaterials ?? []} /> : null}
      {offered.has('withdraw') ? <WithdrawForm view={view} onDone={onDone} /> : null}
    </section>
  );
}

function useSend(view: CaseView) {
  const { api } = usePlatform();
  const path = { caseNo: view.caseNo };
  const header = () => ({ 'Idempotency-Key': newIdempotencyKey() });
  const base = { baseVersion: view.version };
  return { api, path, header, base };
}

function SupplementRequestForm({ view, onDone }: { view: CaseView; onDone: () => void }) {
  const t = useT();
  const { api, path, header, base } = useSend(view);
  const names = Object.keys(view.materials);
  const [material, setMaterial] = useState(names[0] ?? '');
  const [problem, setProblem] = useState('');
  const [problems, setProblems] = useState<{ material: string; problem: string }[]>([]);
  const add = () => {
    if (!material || !problem.trim()) return;
    setProblems([...problems, { material, problem: problem.trim() }]);
    setProblem('');
  };
  return (
    <ActionForm
      title={['一次性告知补正', 'Ask for supplements']}
      onDone={onDone}
      send={() => must(api.POST('/v1/cases/{caseNo}/supplement-request', { params: { path, header: header() }, body: { ...base, problems } })).then(() => undefined)}
    >
      <ul>
        {problems.map((p, i) => (
          <li key={i}>
            {p.material}：{p.problem}
          </li>
        ))}
      </ul>
      <label>
        {t('材料', 'Material')}
        <select value={material} onChange={(e) => setMaterial(e.target.value)}>
          {names.map((n) => (
            <option key={n}>{n}</option>
          ))}
        </select>
      </label>
      <label>
        {t('问题', 'Problem')}
        <input value={problem} onChange={(e) => setProblem(e.target.value)} maxLength={1000} />
      </label>
      <button type="button" className="secondary" onClick={add}>
        {t('加入告知', 'Add to the list')}
      </button>
    </ActionForm>
  );
}

function AcceptForm({ view, onDone, tolerable }: { view: CaseView; onDone: () => void; tolerable: boolean }) {
  const t = useT();
  const { api, path, header, base } = useSend(view);
  const [pending, setPending] = useState<string[]>([]);
  const [dueOn, setDueOn] = useState('');
  // 容缺: the tolerable materials the application came without.
  const names = view.materialRules.filter((r) => r.tolerable && !(r.name in view.materials)).map((r) => r.name);
  const body = pending.length ? { ...base, pendingMaterials: pending, ...(dueOn ? { pendingDueOn: dueOn } : {}) } : base;
  return (
    <ActionForm
      title={pending.length ? ['容缺受理', 'Accept, materials to follow'] : ['受理', 'Accept']}
      onDone={onDone}
      send={() => must(api.POST('/v1/cases/{caseNo}/accept', { params: { path, header: header() }, body })).then(() => undefined)}
    >
      {tolerable && names.length ? (
        <fieldset>
          <legend>{t('容缺材料（可后补）', 'Tolerable materials to follow (容缺)')}</legend>
          {names.map((n) => (
            <label key={n} className="check">
              <input type="checkbox" checked={pending.includes(n)} onChange={(e) => setPending(e.target.checked ? [...pending, n] : pending.filter((x) => x !== n))} />
              {n}
            </label>
          ))}
          {pending.length ? (
            <label>
              {t('补交期限', 'Due on')}
              <input type="date" value={dueOn} onChange={(e) => setDueOn(e.target.value)} />
            </label>
          ) : null}
        </fieldset>
      ) : null}
    </ActionForm>
  );
}

function ReasonsForm({ view, onDone, action, title }: { view: CaseView; onDone: () => void; action: 'refuse'; title: [string, string] }) {
  const { api, path, header, base } = useSend(view);
  const [reasons, setReasons] = useState('');
  return (
    <ActionForm
      title={title}
      onDone={onDone}
      send={() => must(api.POST(`/v1/cases/{caseNo}/${action}`, { params: { path, header: header() }, body: { ...base, reasons: lines(reasons) } })).then(() => undefined)}
    >
      <ReasonsField value={reasons} onChange={setReasons} />
    </ActionForm>
  );
}

function SimpleForm({ view, onDone, action, title }: { view: CaseView; onDone: () => void; action: 'resume'; title: [string, string] }) {
  const { api, path, header, base } = useSend(view);
  return (
    <ActionForm
      title={title}
      onDone={onDone}
      send={() => must(api.POST(`/v1/cases/{caseNo}/${action}`, { params: { path, header: header() }, body: base })).then(() => undefined)}
    />
  );
}

function PauseForm({ view, onDone }: { view: CaseView; onDone: () => void }) {
  const t = useT();
  const { api, path, header, base } = useSend(view);
  const [procedure, setProcedure] = useState('site-inspection');
  const [reason, setReason] = useState('');
  const [days, setDays] = useState('5');
  return (
    <ActionForm
      title={['暂停计时（特别程序）', 'Pause for a special procedure']}
      onDone={onDone}
      send={() =>
        must(
          api.POST('/v1/cases/{caseNo}/pause', {
            params: { path, header: header() },
            body: { ...base, procedure: procedure as 'site-inspection', reason, expectedDays: Number(days) },
          }),
        ).then(() => undefined)
      }
    >
      <label>
        {t('程序', 'Procedure')}
        <select value={procedure} onChange={(e) => setProcedure(e.target.value)}>
          {PROCEDURES.map(([id, zh, en]) => (
            <option key={id} value={id}>
              {t(zh, en)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('事由', 'Reason')}
        <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} />
      </label>
      <label>
        {t('预计工作日', 'Expected working days')}
        <input type="number" min={1} max={120} value={days} onChange={(e) => setDays(e.target.value)} />
      </label>
    </ActionForm>
  );
}

function ExtendForm({ view, onDone }: { view: CaseView; onDone: () => void }) {
  const t = useT();
  const { api, path, header, base } = useSend(view);
  const [days, setDays] = useState('10');
  const [approvedBy, setApprovedBy] = useState('');
  const [reasons, setReasons] = useState('');
  return (
    <ActionForm
      title={['延长办理期限', 'Extend the limit']}
      onDone={onDone}
      send={() =>
        must(api.POST('/v1/cases/{caseNo}/extend', { params: { path, header: header() }, body: { ...base, days: Number(days), approvedBy, reasons: lines(reasons) } })).then(
          () => undefined,
        )
      }
    >
      <label>
        {t('延长工作日', 'Working days')}
        <input type="number" min={1} max={15} value={days} onChange={(e) => setDays(e.target.value)} />
      </label>
      <label>
        {t('批准负责人', 'Approved by')}
        <input value={approvedBy} onChange={(e) => setApprovedBy(e.target.value)} maxLength={200} />
      </label>
      <ReasonsField value={reasons} onChange={setReasons} />
    </ActionForm>
  );
}

function DecideForm({ view, onDone }: { view: CaseView; onDone: () => void }) {
  const t = useT();
  const { api, path, header, base } = useSend(view);
  const [outcome, setOutcome] = useState<'approved' | 'denied'>('approved');
  const [reasons, setReasons] = useState('');
  const [overrideReasons, setOverrideReasons] = useState('');
  const [validUntil, setValidUntil] = useState('');
  const disagreement = (view.jointTasks ?? []).some((task) => task.opinion?.outcome === 'disagree');
  const body = {
    ...base,
    outcome,
    ...(lines(reasons).length ? { reasons: lines(reasons) } : {}),
    ...(outcome === 'approved' && lines(overrideReasons).length ? { overrideReasons: lines(overrideReasons) } : {}),
    ...(outcome === 'approved' && validUntil ? { licence: { validUntil } } : {}),
  };
  return (
    <ActionForm
      title={['作出决定', 'Decide']}
      onDone={onDone}
      send={() => must(api.POST('/v1/cases/{caseNo}/decide', { params: { path, header: header() }, body })).then(() => undefined)}
    >
      <Choice
        legend={['决定', 'Outcome']}
        name="outcome"
        value={outcome}
        onChange={setOutcome}
        options={[
          ['approved', '准予许可', 'Approve'],
          ['denied', '不予许可', 'Deny'],
        ]}
      />
      <ReasonsField value={reasons} onChange={setReasons} />
      {disagreement && outcome === 'approved' ? (
        <ReasonsField value={overrideReasons} onChange={setOverrideReasons} label={['不采纳协办意见的理由（每行一条）', 'Why approve over the disagreement (one a line)']} />
      ) : null}
      {outcome === 'approved' ? (
        <label>
          {t('证照有效期至（发证事项）', 'Licence valid until (items issuing one)')}
          <input type="date" value={validUntil} onChange={(e) => setValidUntil(e.target.value)} />
        </label>
      ) : null}
    </ActionForm>
  );
}

function OpinionForm({ view, onDone }: { view: CaseView; onDone: () => void }) {
  const { api, path, header, base } = useSend(view);
  const [outcome, setOutcome] = useState<'agree' | 'disagree'>('agree');
  const [reasons, setReasons] = useState('');
  return (
    <ActionForm
      title={['提出协办意见', 'Give our opinion']}
      onDone={onDone}
      send={() =>
        must(
          api.POST('/v1/cases/{caseNo}/opinions', {
            params: { path, header: header() },
            body: { ...base, outcome, ...(lines(reasons).length ? { reasons: lines(reasons) } : {}) },
          }),
        ).then(() => undefined)
      }
    >
      <Choice
        legend={['意见', 'Opinion']}
        name="opinion"
        value={outcome}
        onChange={setOutcome}
        options={[
          ['agree', '同意', 'Agree'],
          ['disagree', '不同意', 'Disagree'],
        ]}
      />
      <ReasonsField value={reasons} onChange={setReasons} />
    </ActionForm>
  );
}

/** The channel's supplement (the materials asked for) or its delivery of the 容缺 materials: files uploaded, then sent. */
function FilesForm({ view, onDone, action, names }: { view: CaseView; onDone: () => void; action: 'supplement' | 'deliver'; names: string[] }) {
  const { api, path, header, base } = useSend(view);
  const { files, progress, choose, report } = useMaterialFiles();
  const send = async () => {
    const materials: Record<string, Uploaded> = {};
    for (const [name, f] of Object.entries(files)) materials[name] = await uploadFile(api, f, report(name));
    await must(api.POST(`/v1/cases/{caseNo}/${action}`, { params: { path, header: header() }, body: { ...base, materials } }));
  };
  return (
    <ActionForm title={action === 'supplement' ? ['补正材料', 'Deliver the supplements'] : ['补交容缺材料', 'Deliver the pending materials']} onDone={onDone} send={send}>
      {names.map((name) => (
        <MaterialFile key={name} name={name} progress={progress[name]} onFile={(f) => choose(name, f)} />
      ))}
    </ActionForm>
  );
}

function WithdrawForm({ view, onDone }: { view: CaseView; onDone: () => void }) {
  const t = useT();
  const { api, path, header, base } = useSend(view);
  const [reason, setReason] = useState('');
  return (
    <ActionForm
      title={['撤回申请', 'Withdraw the application']}
      onDone={onDone}
      send={() => must(api.POST('/v1/cases/{caseNo}/withdraw', { params: { path, header: header() }, body: { ...base, reason } })).then(() => undefined)}
    >
      <label>
        {t('撤回原因', 'Reason')}
        <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} />
      </label>
    </ActionForm>
  );
}
