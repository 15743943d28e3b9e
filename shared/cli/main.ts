// `tongban items …`, `tongban cases …`, `tongban licences …`, `tongban supervision …`, `tongban tickets …`,
// `tongban subscriptions …`, `tongban events tail` and the offline
// `tongban verify` (see HELP).
// Human-readable output by default, `--json` for scripts. Exit codes: 0 done, 1 refused by the API
// (the error code and field are printed), 2 usage error, 3 cannot reach the API.
import { parseArgs } from 'node:util';
import type { ApiResponse, ClientTarget } from './api-client.ts';
import { ApiClient, ApiRefusal, UsageError, awsTarget, departmentOf, localTarget } from './api-client.ts';
import { positiveInt, readJsonObject } from './args.ts';
import type { CommandContext } from './cases-commands.ts';
import { casesCommand, supervisionCommand } from './cases-commands.ts';
import { licencesCommand } from './licences-commands.ts';
import { FINDING_COMMANDS, supervisionFindingsCommand } from './supervision-findings-commands.ts';
import { ticketsCommand } from './tickets-commands.ts';
import { eventsCommand, subscriptionsCommand } from './events-commands.ts';
import { calendarCommand } from './calendar-commands.ts';
import { supervisionRulesCommand } from './supervision-rules-command.ts';
import { statsCommand } from './supervision-stats-command.ts';
import { guideTemplate } from './guide-template.ts';
import { verifyCommand } from './verify-command.ts';
import { auditCommand } from './audit-command.ts';
import { evaluationsCommand } from './evaluations-commands.ts';
import { printError, printItem, printList, printVersion } from './output.ts';

const HELP = `tongban: the Tongban (通办) command line

Usage: tongban items <command> [options]
       tongban cases <command> [options]
       tongban licences show|revoke|list [options]
       tongban supervision <list> [--limit N] [--cursor C]
       tongban supervision rules [versions|load <file>|template]  the supervision rules (电子监察规则)
       tongban supervision findings|finding|respond|close|return  supervision findings (监察预警)
       tongban supervision stats --period P [--department D] [--public] [--csv] [--check]
       tongban evaluations list|show|rate|rate-answer|answer|appeal|verdict  好差评
       tongban calendar list|show <year>|load <file>          the official holiday arrangements
       tongban tickets file|list|show|assign|transfer|answer|rate  consultations, complaints, corrections
       tongban subscriptions add|list|remove|failures|redeliver  webhooks of your events
       tongban events tail [--interval S] [--since <instant>]    watch your events live
       tongban verify <document> <seal> --jwks <jwks.json>   offline: no network, no credentials
       tongban audit list|fetch|verify [options]             the archive (auditors)
       tongban audit anchors verify|fetch <caseNo> [options] a case's history against the anchor journals

Items (事项):
  list     [--department <code>] [--type <type>] [--state draft|submitted|returned] [--limit N] [--cursor C] [--all]
  show     <code> [--version N|latest]
  template [--department <code>]                    print a complete service guide to start from
                                                    (the department of --as by default)
  create   --file <guide.json>                      draft a new item (the file holds the service guide)
  edit     <code> --file <guide.json> --base N      change a draft or returned item
  revise   <code> --file <guide.json> --base N      start a new version of a published item
  submit   <code> [--base N]                        submit for review
  review   <code> --base N --publish | --return --reason <text> [--reason <text>…]
  suspend  <code> --planned --from <YYYY-MM-DD> --reason <text> [--notice <text>] [--base N]
           <code> --emergency --notice <text> --reason <text> [--base N]
  resume   <code> [--base N]
  terminate <code> --reason <text> [--base N]

Cases (办件):
  file     --item <code> --applicant <applicant.json> [--form <form.json>]
           --material <NAME>=<path> … [--licence <NAME>=<licence id> …] [--idempotency-key <key>]
                                  channel: upload every material (.pdf .ofd .jpg .jpeg .png) and
                                  file; prints the receipt (收件回执). --licence names the applicant's
                                  valid e-licence instead of a file where the guide accepts one (免提交).
                                  Retry with the printed key to get the same case, never a second one
  show     <caseNo>
  notice   <caseNo> <kind|entry> [--out <dir>]
                                  a sealed notice (acceptance 受理通知书, pending-acceptance 容缺受理告知书,
                                  refusal 不予受理通知书, supplement 补齐补正通知书, extension 延期通知书,
                                  special-procedure 特别程序告知书): writes notice-<entry>-<kind>.json and
                                  its .seal.json to <dir> (default .), for \`tongban verify\` or OpenSSL
  material <caseNo> <name> [--opinion <department>] [--out <file>]
                                  one file the case keeps — a material by its name, with --opinion a
                                  co-department's opinion attachment — read through a 5-minute link and
                                  written to <file> (default: <name>.<pdf|ofd|jpg|png> here) only if its
                                  SHA-256 and size are those the case recorded (else exit 1)
  history  <caseNo>               every entry and the chain check (exit 1 if it does not verify);
                                  with --limit/--cursor, one page of entries
  accept   <caseNo> [--pending <material> … --pending-due <YYYY-MM-DD>]
                                  department: accept (受理); with --pending, 容缺受理
  supplement <caseNo> --problem "<material>:<problem>" …
                                  department: ask for supplements, every problem at once (一次性告知)
  supplement <caseNo> --material <NAME>=<path> … [--form <form.json>]
                                  channel: deliver the supplements
  pre-review <caseNo> --outcome passes|incomplete [--missing <text>…] --next-steps <text>
                                  department, items with online pre-review: the opinion on the
                                  materials, due within 2 working days of their receipt
  deliver  <caseNo> --material <NAME>=<path> … [--licence <NAME>=<licence id> …]
                                  channel: deliver the materials a 容缺 acceptance let follow
                                  (an approval waits until none is pending)
  refuse   <caseNo> --reason <text> [--reason <text>…]             department: 不予受理
  decide   <caseNo> --outcome approved|denied [--reason <text>…] [--override-reason <text>…]
           [--valid-until <YYYY-MM-DD>] [--licence-data <data.json>]
                                  department; a joint case once its opinions are complete
                                  (--override-reason: approving over a co-department's disagreement).
                                  The decision — and the item's e-licence, approving — is sealed at once
                                  with the department's seal; --valid-until and --licence-data set the
                                  licence's last valid day (default: no end) and its data fields
  opinion  <caseNo> --outcome agree|disagree [--reason <text>…] [--attachment <NAME>=<path> …]
                                  co-department of a joint case: its opinion (协办意见), once;
                                  disagree needs --reason; attachments are uploaded first
  pause    <caseNo> --procedure <procedure> --reason <text> --days N
                                  department: special procedure (site-inspection, hearing, testing,
                                  expert-review, public-notice, tender-auction, quarantine, or its
                                  Chinese name) expected to take N working days; a working day the
                                  clock stands still for all of does not count
  extend   <caseNo> --days N --approved-by <head> --reason <text>…
                                  department: extend the statutory limit once (Art. 42), by at most 10
                                  working days (15 for joint handling), approved by the department's head
  correct  <caseNo> --ticket <ticket id> --field <field> --value <value> [--field … --value …] [--reason <text>…]
                                  department: 更正 (000 §30) the case record on a correction ticket, in any
                                  status (after the archiving too): each --field (applicant.name,
                                  applicant.residentId, applicant.phone, applicant.creditCode,
                                  applicant.contact.name, applicant.contact.phone, or form.<key>) set to the
                                  --value given in the same place; a form field's value is read as JSON
                                  when it parses (125, ["a","b"]), else as text
  resume   <caseNo>                                                department
  withdraw <caseNo> --reason <text>                                channel: 撤回
  accept-archive-findings <caseNo> --reason <text>…
                                  platform: a case that ended before intake refused such files is
                                  archived with what the check found of a file (UNREADABLE, ENCRYPTED)
                                  listed as accepted, with the reasons, in its bundle's report
  retry-follow-up <caseNo> --reason <text>…
                                  platform: take up again a seal or archiving the platform gave up
                                  (the case's followUpFailure), once its cause is mended
  queue    [--status <status>] [--limit N] [--cursor C]            department: its cases (default received)
  queue    --opinions [--limit N] [--cursor C]                     co-department: the joint tasks awaiting
                                  its opinion, soonest due first (escalated ones are overdue)
  list     [--applicant <ID>] [--limit N] [--cursor C]             channel: the cases it filed
  (every action takes [--base N]: the case version you saw; refused if the case moved on)

Licences (电子证照):
  show     <licence id> [--holder <ID>] [--version N] [--document <file>] [--seal <file>]
                                  the licence, its status, its seal and its amendments (departments: their
                                  own; channels: --holder the applicant they act for; platform, auditors:
                                  any); --version an earlier version as sealed (default the newest).
                                  --document/--seal save the sealed document and seal for \`tongban verify\`
  amend    <licence id> [--holder-name <name>] [--licence-data <file.json>] --reason <text>
           [--ticket <ticket id>] [--base N]
                                  issuing department: 更正 (000 §30) — the next version, sealed anew; the
                                  data file sets the fields it names (the others kept); --ticket the
                                  correction ticket it answers; --base the version you corrected
  revoke   <licence id> --reason <text>                         issuing department: 撤销 (once)
  list     --holder <ID> [--type <type code>] [--limit N] [--cursor C]
                                  channel: the applicant's valid licences, what filings may name

Supervision (platform):
  supervision overdue|violation   cases past their promised / statutory deadline
  supervision procedure-overrun|pre-review-late|materials-late
                                  cases with that finding: a special procedure past its stated
                                  length, a late pre-review opinion, 容缺 materials not delivered
  supervision stats --period P [--department D] [--item I] [--channel C]
                                  a period's figures (2026, 2026-11, 2026-11-05) per department, item
                                  and channel (a department: its own; platform, auditors: everyone's)
  supervision stats --period P --public [--csv]     the published figures (no personal data)
  supervision stats --period P --department D --check
                                  recompute the department's period from the case records and compare

Supervision rules (电子监察规则; everyone reads, the platform role loads):
  supervision rules               the rules in force: kind, severity, whether on, answer days, basis,
                                  parameters; version 0 is the shipped catalogue (until one is loaded)
  supervision rules versions      every loaded version: who loaded it and when, and the chain check
  supervision rules template      the rules in force as the next version's document, to edit and load
  supervision rules load <file>   platform: load a catalogue (every rule once; "version": one more
                                  than the newest) as the next version; in force within a minute

Supervision findings (监察预警: departments answer their own; the platform role and auditors see all):
  supervision findings [--department <id>|platform] [--rule <rule>] [--state open|answered|returned|escalated|closed]
           [--case <caseNo>] [--from <YYYY-MM-DD>] [--to <YYYY-MM-DD>] [--limit N] [--cursor C]
                                  newest first (逾期: past due, unanswered); platform and auditors name
                                  a department, rule, state or case
  supervision finding <id>        the finding, its answers, its history and the chain check
  supervision respond <id> --explain|--rectify --text <text>
                                  the department responsible: explain (说明) or say how it rectified (整改)
  supervision close <id> [--note <text>]                       platform: accept the answer (办结)
  supervision return <id> --reason <text> [--reason <text>…]  platform: send it back (due again)

Evaluations (好差评: channels rate what they filed, departments answer their own; the platform
role and auditors see all, contacts of named reviews only for whom they concern):
  evaluations list [--department <id>] [--state recorded|rectifying|answered|closed|appealed|excluded]
           [--case <caseNo>] [--from <YYYY-MM-DD>] [--to <YYYY-MM-DD>] [--limit N] [--cursor C]
                                  newest first (逾期: a rectification past due); platform and auditors
                                  name a department, state or case
  evaluations show <id>           the evaluation, its answer, appeal, history and the chain check
  evaluations rate <caseNo> --level very-satisfied|satisfied|basic|dissatisfied|very-dissatisfied
           [--dimension efficiency|attitude|guidance|result=1…5 …] [--comment <text>] [--named]
           [--idempotency-key <key>]
                                  channel: rate an ended case it filed, once (一事一评); a bad review
                                  opens a rectification due in 3 working days
  evaluations rate --window --visit <number> --department <id> [--item <code>] --level <level> …
           [--named --contact-name <name> --contact-phone <phone>]
                                  hall window: rate the service of one visit, once (一次一评)
  evaluations answer <id> --verification <text> --rectified|--explained --text <text>
           [--follow-up-on <YYYY-MM-DD> --follow-up-by <name> --follow-up-outcome <text>]
                                  the department rated answers a bad review (回访 required when named)
  evaluations rate-answer <id> --level <level> [--comment <text>]   channel: rate the answer, once
  evaluations appeal <id> --reason <text> [--reason <text>…]        department: appeal once (申诉)
  evaluations verdict <id> --uphold|--dismiss --reason <text>…      platform: decide the appeal (复核)
Consultations, complaints and corrections (咨询投诉、更正申请; a channel its own, a department what is
addressed to it, the platform role and auditors all — auditors without the person):
  tickets file --kind consultation|complaint|correction --person <person.json> --subject <text> --text <text>
           [--item <code>|--case <caseNo>|--department <id>] [--correction <correction.json>] [--idempotency-key <key>]
                                  channel: file for a person (person.json as a case applicant); routed to the
                                  department of the item, case or department named, or waiting for the
                                  platform (转办). A correction: {"target":"licence|case|other","licenceId"?,
                                  "caseNo"?,"field","wrongValue"?,"rightValue"?,"privacyBreach"?}. Prints the
                                  receipt; retry with the printed key to get the same ticket
  tickets list [--kind K] [--state received|assigned|answered|closed] [--department <id>]
               [--from <YYYY-MM-DD>] [--to <YYYY-MM-DD>] [--limit N] [--cursor C]
                                  the platform role and auditors: by --department or --state
  tickets show <id>               the ticket, its routing, answer and rating, its history and the chain check
  tickets assign <id> --department <id> [--note <text>]         platform: pass it on (转办), or reassign
  tickets transfer <id> --department <id> --reason <text>       department: pass a complaint or correction on
  tickets answer <id> --text <text> [--outcome <outcome>] [--reason <text>…] [--amended <licence id>@<version>…]
           [--corrected-case <caseNo>@<version>…]
                                  department: a complaint's outcome substantiated|partly-substantiated|
                                  unsubstantiated; a correction corrected (--amended: the licence versions
                                  the amendment made for this ticket; --corrected-case: the case versions
                                  \`cases correct\` made for it) or refused (--reason)
  tickets rate <id> --level very-satisfied|satisfied|basic|dissatisfied|very-dissatisfied [--comment <text>]
                                  channel: rate the answer once (closes it)

Calendar (法定节假日安排; everyone reads, the platform role loads):
  calendar list                   every year loaded: version, source, who loaded it; how far the data
                                  reaches (dates beyond it are provisional, on the statutory holidays)
  calendar show <year>            the year's days off and make-up working days, every version, the chain
                                  check, and the statutory holidays it must give off
  calendar load <file>            platform: load a year's arrangement (the cn-YYYY.json format) as its
                                  next version ("version": one more than the last); a correction too

Webhooks and events (channels: the cases and tickets they filed, the evaluations rated through them;
departments: their own cases and joint tasks, the evaluations and tickets addressed to them):
  subscriptions add --url <https URL> [--type <type>…]
                                  register an endpoint for your events, all of them or the types named
                                  (a case's accept, decide…, ticket.transfer, evaluation.answer, or in
                                  full: cn.tongban.case.accept); at most 10. Prints
                                  the signing secret ONCE: keep it to verify deliveries (Standard Webhooks)
  subscriptions list              your endpoints (without their secrets)
  subscriptions remove <id>       stop one; what it had not delivered is dropped
  subscriptions failures <id> [--limit N] [--cursor C]
                                  deliveries that failed every attempt (8 over about 27.6 hours): parked
  subscriptions redeliver <id> [--event <caseNo|id>.<version>…]
                                  send parked deliveries again (those named, or up to 100)
  events tail [--interval S] [--since <instant>] [--json]
                                  polls your events every S seconds (default 2), from 5 minutes ago or
                                  --since, and prints a line each (time, case or evaluation/ticket and
                                  id #version, action, state before → after; --json: the event) until Ctrl-C

Seals (anyone, offline):
  verify <document> <seal> --jwks <file>
                                  checks a seal over a document (its bytes as issued) with the published
                                  keys: valid (exit 0) or invalid with the reason (exit 1)

Archive (auditors):
  audit list  [--department <code>] [--item <code>] [--from <YYYY-MM-DD>] [--to <YYYY-MM-DD>]
                                  the bundles by the day their case ended (read from the archive bucket:
                                  --as auditor embedded; on AWS --profile and --bucket <ArchiveBucketName>)
  audit fetch <bundle key> [--out <file>] [--tier Standard|Bulk] [--days <n>]
                                  download one bundle; one the archive moved to Deep Archive is restored
                                  first: asks for the restore, says when it will be ready (exit 3)
  audit verify <bundle.tar> [--jwks <file>]               offline, no credentials:
                                  the four-property check (authenticity, integrity, usability, security)
                                  of an archive bundle: every seal and the history chain, every file
                                  against the manifests, formats, encryption, ClamAV where installed.
                                  Exit 0 all passed, 1 any failed (each finding named)
  audit anchors verify <caseNo> --jwks <file>
                                  the case's history (read from the API) against every anchor journal
                                  that names it (read from the archive bucket): each journal's archive
                                  seal with the published keys, the case's proof up to the journal's
                                  Merkle root, the history's entry at the anchored version. Exit 0 all
                                  hold, 1 any finding (the case, the version and the journal named)
  audit anchors fetch <caseNo> --out <folder>
                                  the newest anchoring's proof.txt, journal.json, journal.seal.json and
                                  history.txt, for the README's check with sha256sum and openssl alone

Who you are (one of):
  --as <principal>        a principal of the embedded platform, from .tongban/credentials.json
                          (--credentials <path> or TONGBAN_CREDENTIALS to use another file)
    --officer <id>        the officer acting for it (or TONGBAN_OFFICER): departments, reviewers
                          and auditors act through named officers, each with its own key pair; the
                          platform records the officer beside the principal. On AWS the officer is
                          your session: the sign-in names it (source identity = session name)
  --profile <name>        the AWS credential chain (default chain without it), with
                          --endpoint <url> (or TONGBAN_ENDPOINT) and --region (or AWS_REGION)

  --json                  print the API's JSON answer as it is
  --base N                the version you act on. Items: required where it matters what you saw:
                          review (the version you reviewed), edit and revise (the version you
                          changed); elsewhere it defaults to the newest version, read just before.
                          Cases: optional; without it the action applies to the case as it is

Exit codes: 0 done, 1 refused by the platform (its code, field and message are printed),
2 usage error, 3 cannot reach the API.
`;

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        as: { type: 'string' },
        officer: { type: 'string' },
        profile: { type: 'string' },
        endpoint: { type: 'string' },
        region: { type: 'string' },
        credentials: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        department: { type: 'string' },
        type: { type: 'string', multiple: true },
        state: { type: 'string' },
        limit: { type: 'string' },
        cursor: { type: 'string' },
        all: { type: 'boolean', default: false },
        version: { type: 'string' },
        file: { type: 'string' },
        base: { type: 'string' },
        publish: { type: 'boolean', default: false },
        return: { type: 'boolean', default: false },
        reason: { type: 'string', multiple: true },
        planned: { type: 'boolean', default: false },
        emergency: { type: 'boolean', default: false },
        from: { type: 'string' },
        notice: { type: 'string' },
        item: { type: 'string' },
        applicant: { type: 'string' },
        form: { type: 'string' },
        material: { type: 'string', multiple: true },
        'idempotency-key': { type: 'string' },
        pending: { type: 'string', multiple: true },
        'pending-due': { type: 'string' },
        problem: { type: 'string', multiple: true },
        outcome: { type: 'string' },
        'override-reason': { type: 'string', multiple: true },
        attachment: { type: 'string', multiple: true },
        opinions: { type: 'boolean', default: false },
        jwks: { type: 'string' },
        procedure: { type: 'string' },
        days: { type: 'string' },
        'approved-by': { type: 'string' },
        missing: { type: 'string', multiple: true },
        'next-steps': { type: 'string' },
        status: { type: 'string' },
        licence: { type: 'string', multiple: true },
        'valid-until': { type: 'string' },
        'licence-data': { type: 'string' },
        holder: { type: 'string' },
        'holder-name': { type: 'string' },
        ticket: { type: 'string' },
        document: { type: 'string' },
        seal: { type: 'string' },
        to: { type: 'string' },
        out: { type: 'string' },
        tier: { type: 'string' },
        opinion: { type: 'string' },
        bucket: { type: 'string' },
        url: { type: 'string' },
        event: { type: 'string', multiple: true },
        interval: { type: 'string' },
        since: { type: 'string' },
        rule: { type: 'string' },
        case: { type: 'string' },
        explain: { type: 'boolean' },
        rectify: { type: 'boolean' },
        text: { type: 'string' },
        note: { type: 'string' },
        period: { type: 'string' },
        channel: { type: 'string' },
        public: { type: 'boolean', default: false },
        csv: { type: 'boolean', default: false },
        check: { type: 'boolean', default: false },
        level: { type: 'string' },
        dimension: { type: 'string', multiple: true },
        comment: { type: 'string' },
        named: { type: 'boolean' },
        window: { type: 'boolean' },
        visit: { type: 'string' },
        'contact-name': { type: 'string' },
        'contact-phone': { type: 'string' },
        verification: { type: 'string' },
        rectified: { type: 'boolean' },
        explained: { type: 'boolean' },
        'follow-up-on': { type: 'string' },
        'follow-up-by': { type: 'string' },
        'follow-up-outcome': { type: 'string' },
        uphold: { type: 'boolean' },
        dismiss: { type: 'boolean' },
        kind: { type: 'string' },
        person: { type: 'string' },
        subject: { type: 'string' },
        correction: { type: 'string' },
        amended: { type: 'string', multiple: true },
        'corrected-case': { type: 'string', multiple: true },
        field: { type: 'string', multiple: true },
        value: { type: 'string', multiple: true },
      },
    });
  } catch (e) {
    console.error(`tongban: ${(e as Error).message}\nRun \`tongban --help\` for usage.`);
    return 2;
  }
  const { values: o, positionals } = parsed;
  const [group, command, code] = positionals;
  if (o.help || !group) {
    console.log(HELP);
    return o.help ? 0 : 2;
  }
  try {
    // Offline: before any credentials or endpoint are looked for.
    if (group === 'verify') return await verifyCommand(command, code, o.jwks, o.json);
    if (group === 'audit') return await auditCommand(command, code, o, { caseNo: positionals[3], api: async () => new ApiClient(await resolveTarget(o)) });
    if (!['items', 'cases', 'licences', 'supervision', 'calendar', 'subscriptions', 'events', 'evaluations', 'tickets'].includes(group))
      throw new UsageError(`unknown command group "${group}"`);
    // --type is repeatable for subscriptions alone.
    const type = group === 'subscriptions' ? undefined : atMostOne(o.type, '--type');
    if (command === 'template') {
      const department = o.department ?? (o.as !== undefined ? await departmentOf(credentialsPath(o), o.as) : undefined);
      if (!department) throw new UsageError('items template needs --department <unified social credit code>, or --as a department principal');
      console.log(JSON.stringify(guideTemplate(department), null, 2));
      return 0;
    }
    const target = await resolveTarget(o);
    const api = new ApiClient(target);
    const out = (res: ApiResponse, print: (body: never) => void): number => {
      if (res.status >= 400) {
        printError(res, o.json);
        return 1;
      }
      if (o.json) console.log(JSON.stringify(res.body, null, 2));
      else print(res.body as never);
      return 0;
    };
    if (group !== 'items') {
      const ctx: CommandContext = {
        api,
        o,
        out,
      };
      if (group === 'subscriptions') return await subscriptionsCommand({ api, o, out }, command, code);
      if (group === 'events') return await eventsCommand({ api, o, out }, command);
      if (group === 'evaluations') return await evaluationsCommand({ api, o, out }, command, code);
      if (group === 'tickets') return await ticketsCommand({ api, o, out }, command, code);
      if (group === 'licences') {
        const { type: _types, ...rest } = o;
        return await licencesCommand({ ...ctx, o: { ...rest, ...(type !== undefined ? { type } : {}) } }, command, code);
      }
      if (group === 'calendar') return await calendarCommand(ctx, command, code);
      if (group === 'supervision' && command === 'rules') return await supervisionRulesCommand(ctx, code, positionals[3]);
      if (group === 'supervision' && FINDING_COMMANDS.includes(command as never)) return await supervisionFindingsCommand({ api, o, out }, command, code);
      if (group === 'supervision' && command === 'stats') return await statsCommand({ api, o, out });
      return group === 'cases' ? await casesCommand(ctx, command, code, positionals[3]) : await supervisionCommand(ctx, command);
    }
    const needCode = (): string => {
      if (!code) throw new UsageError(`items ${command} needs the item's implementation code`);
      return code;
    };
    const base = async (c: string, required = false): Promise<number> => {
      if (o.base !== undefined) return positiveInt(o.base, '--base');
      if (required)
        throw new UsageError(`items ${command} needs --base N: the version you ${command === 'review' ? 'reviewed' : 'changed'} (see \`items show ${c} --version latest\`)`);
      const res = await api.request('GET', `/v1/items/${encodeURIComponent(c)}/versions/latest`);
      if (res.status >= 400) throw new ApiRefusal(res);
      return (res.body as { version: number }).version;
    };

    switch (command) {
      case 'list': {
        const query = {
          department: o.department,
          type,
          state: o.state,
          limit: o.limit,
          cursor: o.cursor,
        };
        if (!o.all) return out(await api.request('GET', '/v1/items', { query }), printList);
        // --all follows the cursor to the end
        const items: unknown[] = [];
        let cursor = o.cursor;
        for (;;) {
          const res = await api.request('GET', '/v1/items', { query: { ...query, cursor } });
          if (res.status >= 400) return out(res, printList);
          const page = res.body as { items: unknown[]; nextCursor?: string };
          items.push(...page.items);
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
        return out({ status: 200, body: { items } }, printList);
      }
      case 'show': {
        const c = needCode();
        if (o.version !== undefined) {
          const v = o.version === 'latest' ? 'latest' : positiveInt(o.version, '--version');
          return out(await api.request('GET', `/v1/items/${encodeURIComponent(c)}/versions/${v}`), printVersion);
        }
        return out(await api.request('GET', `/v1/items/${encodeURIComponent(c)}`), printItem);
      }
      case 'create': {
        const guide = await readGuide(o.file);
        return out(await api.request('POST', '/v1/items', { body: { guide } }), printVersion);
      }
      case 'edit':
      case 'revise': {
        const c = needCode();
        const guide = await readGuide(o.file);
        const body = { baseVersion: await base(c, true), guide };
        const res =
          command === 'edit'
            ? await api.request('PUT', `/v1/items/${encodeURIComponent(c)}`, { body })
            : await api.request('POST', `/v1/items/${encodeURIComponent(c)}/revisions`, { body });
        return out(res, printVersion);
      }
      case 'submit':
      case 'resume': {
        const c = needCode();
        return out(await api.request('POST', `/v1/items/${encodeURIComponent(c)}/${command}`, { body: { baseVersion: await base(c) } }), printVersion);
      }
      case 'review': {
        const c = needCode();
        if (o.publish === o.return) throw new UsageError('items review needs exactly one of --publish or --return');
        const body = { baseVersion: await base(c, true), decision: o.publish ? 'publish' : 'return', reasons: o.reason ?? [] };
        return out(await api.request('POST', `/v1/items/${encodeURIComponent(c)}/review`, { body }), printVersion);
      }
      case 'suspend': {
        const c = needCode();
        if (o.planned === o.emergency) throw new UsageError('items suspend needs exactly one of --planned or --emergency');
        const body = {
          baseVersion: await base(c),
          kind: o.planned ? 'planned' : 'emergency',
          ...(o.from ? { effectiveFrom: o.from } : {}),
          reason: oneReason(o.reason, 'suspend'),
          ...(o.notice ? { notice: o.notice } : {}),
        };
        return out(await api.request('POST', `/v1/items/${encodeURIComponent(c)}/suspend`, { body }), printVersion);
      }
      case 'terminate': {
        const c = needCode();
        const body = { baseVersion: await base(c), reason: oneReason(o.reason, 'terminate') };
        return out(await api.request('POST', `/v1/items/${encodeURIComponent(c)}/terminate`, { body }), printVersion);
      }
      default:
        throw new UsageError(command ? `unknown command "items ${command}"` : 'items needs a command');
    }
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`tongban: ${e.message}\nRun \`tongban --help\` for usage.`);
      return 2;
    }
    if (e instanceof ApiRefusal) {
      printError(e.response, o.json);
      return 1;
    }
    const cause = (e as { cause?: { code?: string } }).cause;
    if (e instanceof TypeError && cause?.code) {
      console.error(`tongban: cannot reach the API (${cause.code}); is the platform running?`);
      return 3;
    }
    throw e;
  }
}

async function resolveTarget(o: { as?: string; officer?: string; profile?: string; endpoint?: string; region?: string; credentials?: string }): Promise<ClientTarget> {
  if (o.as !== undefined && o.profile !== undefined) throw new UsageError('use either --as (embedded platform) or --profile (AWS), not both');
  if (o.as !== undefined) return localTarget(credentialsPath(o), o.as, o.endpoint, officerOption(o.officer));
  // On AWS the officer is whoever the session is: the sign-in named it when it assumed the role.
  if (o.officer !== undefined)
    throw new UsageError('--officer is for the embedded platform (--as); on AWS the officer is the session your sign-in made (its source identity and session name)');
  return awsTarget(o.endpoint ?? process.env.TONGBAN_ENDPOINT, o.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION, o.profile);
}

/** The officer of `--as`: --officer, else TONGBAN_OFFICER (which principals without officers ignore). */
function officerOption(given: string | undefined): { id: string; fromEnvironment?: boolean } | undefined {
  if (given !== undefined) return { id: given };
  const officer = process.env.TONGBAN_OFFICER;
  return officer !== undefined && officer !== '' ? { id: officer, fromEnvironment: true } : undefined;
}

function credentialsPath(o: { credentials?: string }): string {
  return o.credentials ?? process.env.TONGBAN_CREDENTIALS ?? '.tongban/credentials.json';
}

async function readGuide(file: string | undefined): Promise<unknown> {
  if (!file) throw new UsageError('--file <guide.json> is required');
  // Either the guide itself or a request body `{ "guide": … }`.
  return readJsonObject(file, 'the guide', 'guide');
}

function atMostOne(values: string[] | undefined, flag: string): string | undefined {
  if (values && values.length > 1) throw new UsageError(`${flag} may be given once here`);
  return values?.[0];
}

function oneReason(reasons: string[] | undefined, command: string): string {
  if (!reasons || reasons.length !== 1) throw new UsageError(`items ${command} needs one --reason <text>`);
  return reasons[0]!;
}
