// A case's head as a test reads or alters it in the cases table: unpacked as the store unpacks it
// (shared/adapters/case-item-packing.ts), and packed again when written back — to damage a case where it is
// kept and see the store find it.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Item } from '../../shared/adapters/case-items.ts';
import { HEAD, caseKey } from '../../shared/adapters/case-items.ts';
import { packCaseItem, unpackCaseItem } from '../../shared/adapters/case-item-packing.ts';

/** The case's head, unpacked (undefined when there is none). */
export async function readHead(db: DynamoDBDocumentClient, table: string, caseNo: string): Promise<Item | undefined> {
  return unpackCaseItem((await db.send(new GetCommand({ TableName: table, Key: { pk: caseKey(caseNo), sk: HEAD }, ConsistentRead: true }))).Item);
}

/** Changes the case's head in place with `edit` (on its unpacked form) and writes it back packed. */
export async function editHead(db: DynamoDBDocumentClient, table: string, caseNo: string, edit: (head: Item) => void): Promise<void> {
  const head = await readHead(db, table, caseNo);
  if (!head) throw new Error(`test: case ${caseNo} has no head in ${table}`);
  edit(head);
  await db.send(new PutCommand({ TableName: table, Item: packCaseItem(head) }));
}
