// The auditor's archive: bundles listed by department, item and date from the archive bucket (S3,
// signed with the auditor's own credentials), one fetched and verified here in the browser with the
// same checks as `tongban audit verify` (shared/domain/archive/browser-audit.ts, loaded when first
// needed): the four-property report (真实性 authenticity, 完整性 integrity, 可用性 usability, 安全性
// security) and each seal's result, the bundle's keys checked against the platform's published keys.
// A bundle file from elsewhere (a copy on disk) is verified the same way.
// A bundle the archive's lifecycle moved to Deep Archive (30 days after it was written) is read only once
// restored: S3 answers its GET 403 InvalidObjectState. The screen then says where its restore stands
// (HEAD: x-amz-restore) and offers to ask for one (POST ?restore, as `tongban audit fetch` does: Standard
// tier, within 12 hours, the copy kept 7 days); once restored, the same button fetches and verifies it.
import { useState } from 'react';
import { useT } from '../i18n.tsx';
import { usePlatform } from '../platform.tsx';
import { signer } from '../session.ts';
import { ErrorNote, chinaTime, useAction, TableHead } from '../ui.tsx';
import type { BundleAudit } from '../../../domain/archive/browser-audit.ts';

interface Listed {
  key: string;
  size: number;
  department: string;
  item: string;
  endedOn: string;
  caseNo: string;
}

const PAGE = 100;
/** The restore the console asks for: as `tongban audit fetch`'s defaults. */
const RESTORE_DAYS = 7;
const RESTORE_TIER = 'Standard';
/** Hours S3 takes at most for a Standard restore, by storage class. */
const RESTORE_HOURS: Record<string, number> = { DEEP_ARCHIVE: 12, GLACIER: 5 };

/** A bundle S3 will not read yet: cold (no restore asked for), being restored, or its restore just asked for. */
interface Cold {
  bundle: Listed;
  storageClass: string;
  state: 'cold' | 'restoring' | 'requested';
}
const PROPERTY_NAMES: Record<string, [string, string]> = {
  authenticity: ['真实性', 'Authenticity'],
  integrity: ['完整性', 'Integrity'],
  usability: ['可用性', 'Usability'],
  security: ['安全性', 'Security'],
};
const SEAL_RESULT: Record<string, [string, string]> = {
  valid: ['有效', 'valid'],
  invalid: ['无效', 'INVALID'],
  missing: ['缺失', 'missing'],
  unchecked: ['未校验', 'not checked'],
};

export function Archive() {
  const t = useT();
  const { config, session, api } = usePlatform();
  const [department, setDepartment] = useState('');
  const [item, setItem] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [listing, setListing] = useState<{ bundles: Listed[]; next?: string } | undefined>();
  const [audit, setAudit] = useState<{ name: string; result: BundleAudit } | undefined>();
  const [progress, setProgress] = useState<number | undefined>();
  const [cold, setCold] = useState<Cold | undefined>();
  const list = useAction();
  const check = useAction();
  const restore = useAction();
  const archive = config.archive;

  const s3 = () => {
    if (!archive) throw new Error(t('本站点未配置电子档案库。', 'No archive is configured for this site.'));
    return { aws: signer(session, 's3'), base: `${archive.endpoint.replace(/\/+$/, '')}/${archive.bucket}` };
  };

  const search = (token?: string) =>
    list.run(async () => {
      const { aws, base } = s3();
      const prefix = `bundles/${department ? `${department}/${item ? `${item}/` : ''}` : ''}`;
      const query = new URLSearchParams({ 'list-type': '2', prefix, 'max-keys': String(PAGE), ...(token ? { 'continuation-token': token } : {}) });
      const res = await aws.fetch(`${base}?${query.toString()}`);
      if (!res.ok) throw new Error(`${t('档案库拒绝了请求', 'The archive refused')}: HTTP ${res.status}`);
      const xml = new DOMParser().parseFromString(await res.text(), 'application/xml');
      const text = (el: Element, name: string) => el.getElementsByTagName(name)[0]?.textContent ?? '';
      const bundles = [...xml.getElementsByTagName('Contents')]
        .map((c) => {
          const key = text(c, 'Key');
          const [, dept = '', itm = '', endedOn = '', file = ''] = key.split('/');
          return { key, size: Number(text(c, 'Size')), department: dept, item: itm, endedOn, caseNo: file.replace(/\.tar$/, '') };
        })
        .filter((b) => b.key.endsWith('.tar') && (!from || b.endedOn >= from) && (!to || b.endedOn <= to));
      const next = xml.getElementsByTagName('NextContinuationToken')[0]?.textContent ?? undefined;
      setListing((prev) => ({ bundles: token && prev ? [...prev.bundles, ...bundles] : bundles, ...(next ? { next } : {}) }));
    });

  /** Verifies a bundle's bytes here, against the platform's published keys. */
  const verifyBytes = async (name: string, body: ReadableStream<Uint8Array>) => {
    setProgress(0);
    const [{ auditBundleBytes }, jwks] = await Promise.all([import('../../../domain/archive/browser-audit.ts'), api.GET('/v1/.well-known/jwks.json')]);
    if (!jwks.data) throw new Error(t('无法读取平台公布的印章公钥', 'Cannot read the published seal keys'));
    const result = await auditBundleBytes(body, { publishedJwks: jwks.data, onProgress: setProgress });
    setAudit({ name, result });
  };

  const objectUrl = (key: string) => `${s3().base}/${key.split('/').map(encodeURIComponent).join('/')}`;

  const fetchAndVerify = (b: Listed) =>
    check.run(async () => {
      setAudit(undefined);
      setCold(undefined);
      const { aws } = s3();
      const res = await aws.fetch(objectUrl(b.key));
      if (res.status === 403) {
        const refusal = await res.text();
        if (/<Code>InvalidObjectState<\/Code>/.test(refusal)) {
          // In Deep Archive: where does its restore stand?
          const head = await aws.fetch(objectUrl(b.key), { method: 'HEAD' });
          const storageClass = head.headers.get('x-amz-storage-class') ?? 'DEEP_ARCHIVE';
          setCold({ bundle: b, storageClass, state: /ongoing-request="true"/.test(head.headers.get('x-amz-restore') ?? '') ? 'restoring' : 'cold' });
          return;
        }
      }
      if (!res.ok || !res.body) throw new Error(`${t('档案库拒绝了请求', 'The archive refused')}: HTTP ${res.status}`);
      await verifyBytes(b.key, res.body);
    });

  const askRestore = (c: Cold) =>
    restore.run(async () => {
      const { aws } = s3();
      const body = `<RestoreRequest xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Days>${RESTORE_DAYS}</Days><GlacierJobParameters><Tier>${RESTORE_TIER}</Tier></GlacierJobParameters></RestoreRequest>`;
      const res = await aws.fetch(`${objectUrl(c.bundle.key)}?restore`, { method: 'POST', body, headers: { 'content-type': 'application/xml' } });
      // 202: asked; 200: a restored copy is there already (fetch it); 409 RestoreAlreadyInProgress: under way.
      if (res.status === 200) return void (await fetchAndVerify(c.bundle));
      if (res.status === 409 && /RestoreAlreadyInProgress/.test(await res.text())) return setCold({ ...c, state: 'restoring' });
      if (res.status !== 202) throw new Error(`${t('档案库拒绝了恢复请求', 'The archive refused the restore')}: HTTP ${res.status}`);
      setCold({ ...c, state: 'requested' });
    });

  const verifyFile = (f: File) =>
    check.run(async () => {
      setAudit(undefined);
      setCold(undefined);
      await verifyBytes(f.name, f.stream());
    });

  return (
    <main className="panel">
      <h1>{t('电子档案', 'E-archive')}</h1>
      <form
        aria-label={t('查找档案', 'Find bundles')}
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
        className="filters"
      >
        <label>
          {t('部门（统一社会信用代码）', 'Department (credit code)')}
          <input value={department} onChange={(e) => setDepartment(e.target.value.trim())} maxLength={18} />
        </label>
        <label>
          {t('事项实施编码', 'Item code')}
          <input value={item} onChange={(e) => setItem(e.target.value.trim())} maxLength={40} disabled={!department} />
        </label>
        <label>
          {t('办结日期自', 'Ended from')}
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          {t('至', 'to')}
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <button type="submit" disabled={list.busy}>
          {t('查找', 'Find')}
        </button>
      </form>
      {list.error ? <ErrorNote error={list.error} /> : null}
      {listing ? (
        listing.bundles.length === 0 ? (
          <p className="muted">{t('没有符合条件的档案。', 'No bundle matches.')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('办结日期', 'Ended on')}</th>
                <th scope="col">{t('办件编号', 'Case')}</th>
                <th scope="col">{t('部门', 'Department')}</th>
                <th scope="col">{t('事项', 'Item')}</th>
                <th scope="col">{t('大小', 'Size')}</th>
                <th scope="col">
                  <span className="sr-only">{t('操作', 'Action')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {listing.bundles.map((b) => (
                <tr key={b.key}>
                  <td>{b.endedOn}</td>
                  <td>{b.caseNo}</td>
                  <td>{b.department}</td>
                  <td>{b.item}</td>
                  <td>{b.size.toLocaleString()} B</td>
                  <td>
                    <button
                      type="button"
                      className="secondary"
                      disabled={check.busy}
                      onClick={() => void fetchAndVerify(b)}
                      aria-label={`${t('取回并检测', 'Fetch and verify')} ${b.caseNo}`}
                    >
                      {t('取回并检测', 'Fetch and verify')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      {listing?.next ? (
        <button type="button" className="secondary" onClick={() => void search(listing.next)}>
          {t('更多', 'More')}
        </button>
      ) : null}
      <label>
        {t('检测本地的档案文件（.tar）', 'Verify a bundle file on this computer (.tar)')}
        <input
          type="file"
          accept=".tar,application/x-tar"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void verifyFile(f);
          }}
        />
      </label>
      {check.busy && progress !== undefined ? (
        <p>
          {t('检测中…', 'Verifying…')} {progress.toLocaleString()} B
        </p>
      ) : null}
      {check.error ? <ErrorNote error={check.error} /> : null}
      {cold ? <ColdBundle cold={cold} busy={restore.busy} onRestore={() => void askRestore(cold)} /> : null}
      {restore.error ? <ErrorNote error={restore.error} /> : null}
      {audit ? <Report name={audit.name} audit={audit.result} /> : null}
    </main>
  );
}

/** Where a cold bundle stands, and the button that asks for its restore. */
function ColdBundle({ cold, busy, onRestore }: { cold: Cold; busy: boolean; onRestore: () => void }) {
  const t = useT();
  const hours = RESTORE_HOURS[cold.storageClass];
  const within = hours === undefined ? '' : t(`，预计 ${hours} 小时内完成`, `, within ${hours} h`);
  return (
    <section role="status" data-testid="cold-bundle" data-state={cold.state}>
      <p>
        {t(
          `归档包 ${cold.bundle.caseNo} 已转入 ${cold.storageClass} 存储，需先恢复方可取回。`,
          `Bundle ${cold.bundle.caseNo} is in ${cold.storageClass}: it must be restored before it can be fetched.`,
        )}
      </p>
      {cold.state === 'cold' ? (
        <button type="button" disabled={busy} onClick={onRestore}>
          {t(`申请恢复（标准，保留 ${RESTORE_DAYS} 天）`, `Ask for its restore (Standard, kept ${RESTORE_DAYS} days)`)}
        </button>
      ) : (
        <p>
          {cold.state === 'requested' ? t('已申请恢复', 'Restore requested') : t('正在恢复', 'Restore in progress')}
          {within}
          {t(`。恢复后再点击"取回并检测"；恢复的副本保留 ${RESTORE_DAYS} 天。`, `. Fetch and verify it again once restored; the restored copy is kept ${RESTORE_DAYS} days.`)}
        </p>
      )}
    </section>
  );
}

function Report({ name, audit }: { name: string; audit: BundleAudit }) {
  const t = useT();
  const r = audit.report;
  return (
    <section aria-labelledby="report" className="report" data-testid="audit-report" data-passed={String(r.passed)}>
      <h2 id="report">
        {t('四性检测', 'Four-property check')}：{r.caseNo} — <span className={r.passed ? 'ok' : 'error'}>{r.passed ? t('通过', 'passed') : t('未通过', 'FAILED')}</span>
      </h2>
      <p className="muted">
        {name} · {chinaTime(r.checkedAt)} · {t('已核对平台公布的公钥', 'keys checked against the published keys')}
      </p>
      <table>
        <TableHead
          columns={[
            ['检测项', 'Property'],
            ['结果', 'Result'],
            ['发现', 'Findings'],
          ]}
        />
        <tbody>
          {Object.entries(r.properties).map(([property, result]) => (
            <tr key={property} data-property={property} data-passed={String(result.passed)}>
              <th scope="row">{t(...(PROPERTY_NAMES[property] ?? [property, property]))}</th>
              <td className={result.passed ? 'ok' : 'error'}>{result.passed ? t('通过', 'passed') : t('未通过', 'FAILED')}</td>
              <td>
                <ul>
                  {result.findings.map((f, i) => (
                    <li key={i} data-finding={f.code}>
                      <code>{f.code}</code> {f.path ?? ''} {f.message}
                    </li>
                  ))}
                </ul>
                <details>
                  <summary>{t(`已检查 ${result.checked.length} 项`, `${result.checked.length} checks`)}</summary>
                  <ul>
                    {result.checked.map((c, i) => (
                      <li key={i}>{c}</li>
                    ))}
                  </ul>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('电子印章', 'Seals')}</h3>
      <table>
        <TableHead
          columns={[
            ['文件', 'Document'],
            ['结果', 'Result'],
          ]}
        />
        <tbody>
          {audit.seals.map((s) => (
            <tr key={s.document} data-seal-result={s.result}>
              <td>
                {s.what} <span className="muted">{s.document}</span>
              </td>
              <td className={s.result === 'valid' ? 'ok' : 'error'}>{t(...(SEAL_RESULT[s.result] ?? [s.result, s.result]))}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {audit.ingest ? (
        <p>
          {t('入库检测', 'Ingest check')}（{chinaTime(audit.ingest.checkedAt)}）：{audit.ingest.passed ? t('通过', 'passed') : t('未通过', 'FAILED')}
        </p>
      ) : null}
      {!audit.scan.ran ? <p className="muted">{t('浏览器中未进行病毒扫描（tongban audit verify 会扫描）。', 'No virus scan in a browser (tongban audit verify scans).')}</p> : null}
    </section>
  );
}
