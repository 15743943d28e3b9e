// The data of one deployment: the customer-managed key and the DynamoDB tables it encrypts. Kept in
// its own stack so the API can be torn down and redeployed without touching the data; every
// resource here is retained when the stack is deleted, and the tables are deletion-protected.
import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { DIRECTORY_TABLE, ITEMS_TABLE } from '../../shared/adapters/table-layout.ts';

export interface DataStackProps extends StackProps {
  stage: string;
}

export class DataStack extends Stack {
  /** Encrypts the tables (and nothing else). */
  readonly dataKey: Key;
  /** Service items: every version, the head, and the listing indexes (see table-layout.ts). */
  readonly itemsTable: Table;
  /** The directory: one record holding departments, channels and principals. */
  readonly directoryTable: Table;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);

    this.dataKey = new Key(this, 'DataKey', {
      alias: `alias/tongban-${props.stage}-data`,
      description: `Tongban ${props.stage}: encryption at rest of the DynamoDB tables`,
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const tableDefaults = {
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.dataKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    } as const;

    this.itemsTable = new Table(this, 'ItemsTable', {
      ...tableDefaults,
      partitionKey: { name: ITEMS_TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: ITEMS_TABLE.sortKey, type: AttributeType.STRING },
    });
    for (const index of Object.values(ITEMS_TABLE.indexes)) {
      this.itemsTable.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }

    this.directoryTable = new Table(this, 'DirectoryTable', {
      ...tableDefaults,
      partitionKey: { name: DIRECTORY_TABLE.partitionKey, type: AttributeType.STRING },
    });

    new CfnOutput(this, 'ItemsTableName', { value: this.itemsTable.tableName });
    new CfnOutput(this, 'DirectoryTableName', { value: this.directoryTable.tableName });
    new CfnOutput(this, 'DataKeyArn', { value: this.dataKey.keyArn });
  }
}
