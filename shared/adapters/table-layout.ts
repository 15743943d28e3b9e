// Key attributes and index names of the DynamoDB tables: shared by the CDK data stack and the
// adapters, so a renamed index cannot break one side silently.
export const ITEMS_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: {
    /** Every listed item (published or suspended, not terminated), by type then code. */
    catalogue: { name: 'catalogue', partitionKey: 'catPk', sortKey: 'catSk' },
    /** The same, per department. */
    catalogueByDepartment: { name: 'catalogueByDepartment', partitionKey: 'catDeptPk', sortKey: 'catSk' },
    /** Items in progress (draft, submitted, returned), by state, then department and code. */
    work: { name: 'work', partitionKey: 'workPk', sortKey: 'workSk' },
  },
} as const;

export const DIRECTORY_TABLE = {
  partitionKey: 'pk',
  /** The one record holding the whole directory as a JSON document. */
  directoryKey: 'directory',
} as const;
