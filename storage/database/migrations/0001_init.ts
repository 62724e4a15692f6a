import { sql } from 'kysely';
import type { MigrationContext, MigrationDb, StepMigration } from './migration.js';

export const m0001Init: StepMigration = ({ dialect, serial, ts, real }: MigrationContext) => ({
  async up(db: MigrationDb) {
    const s = db.schema;
    await s
      .createTable('apiKeys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('keyHash', 'text', (c) => c.notNull().unique())
      .addColumn('keyPrefix', 'text', (c) => c.notNull())
      .addColumn('createdAt', ts, (c) => c.notNull())
      .addColumn('lastUsedAt', ts)
      .addColumn('revokedAt', ts)
      .execute();
    await s
      .createTable('settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
    await s
      .createTable('perpetrators')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('notes', 'text')
      .addColumn('watchEverywhere', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('createdAt', ts, (c) => c.notNull())
      .addColumn('updatedAt', ts, (c) => c.notNull())
      .execute();
    await s
      .createTable('photos')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('perpetratorId', 'text', (c) => c.notNull().references('perpetrators.id').onDelete('cascade'))
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('mime', 'text', (c) => c.notNull())
      .addColumn('width', 'integer', (c) => c.notNull())
      .addColumn('height', 'integer', (c) => c.notNull())
      .addColumn('faceBox', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('createdAt', ts, (c) => c.notNull())
      .execute();
    await s
      .createTable('embeddings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('perpetratorId', 'text', (c) => c.notNull().references('perpetrators.id').onDelete('cascade'))
      .addColumn('photoId', 'text', (c) => c.notNull().references('photos.id').onDelete('cascade'))
      .addColumn('embedder', 'text', (c) => c.notNull())
      .addColumn('descriptor', 'text', (c) => c.notNull())
      .addColumn('createdAt', ts, (c) => c.notNull())
      .execute();
    await s
      .createTable('cases')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('victimRef', 'text', (c) => c.notNull())
      .addColumn('residence', 'text', (c) => c.notNull())
      .addColumn('district', 'text', (c) => c.notNull())
      .addColumn('riskLevel', 'text', (c) => c.notNull())
      .addColumn('windowStart', ts, (c) => c.notNull())
      .addColumn('windowEnd', ts, (c) => c.notNull())
      .addColumn('activeHours', 'text')
      .addColumn('timezone', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('sosTokenHash', 'text', (c) => c.notNull().unique())
      .addColumn('createdAt', ts, (c) => c.notNull())
      .addColumn('updatedAt', ts, (c) => c.notNull())
      .execute();
    await s
      .createTable('casePerpetrators')
      .addColumn('caseId', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
      .addColumn('perpetratorId', 'text', (c) => c.notNull().references('perpetrators.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('casePerpetratorsPk', ['caseId', 'perpetratorId'])
      .execute();
    await s
      .createTable('cameras')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('caseId', 'text', (c) => c.references('cases.id').onDelete('set null'))
      .addColumn('fps', real)
      .addColumn('createdAt', ts, (c) => c.notNull())
      .addColumn('updatedAt', ts, (c) => c.notNull())
      .execute();
    await s
      .createTable('officers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('badge', 'text', (c) => c.notNull().unique())
      .addColumn('district', 'text', (c) => c.notNull())
      .addColumn('supervisor', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('webhookUrl', 'text')
      .addColumn('webhookSecret', 'text')
      .addColumn('createdAt', ts, (c) => c.notNull())
      .execute();
    await s
      .createTable('shifts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('officerId', 'text', (c) => c.notNull().references('officers.id').onDelete('cascade'))
      .addColumn('district', 'text', (c) => c.notNull())
      .addColumn('startsAt', ts, (c) => c.notNull())
      .addColumn('endsAt', ts, (c) => c.notNull())
      .addColumn('createdAt', ts, (c) => c.notNull())
      .execute();
    await s.createIndex('shiftsWindow').on('shifts').columns(['district', 'startsAt', 'endsAt']).execute();
    await s
      .createTable('alerts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('caseId', 'text')
      .addColumn('cameraId', 'text')
      .addColumn('perpetratorId', 'text')
      .addColumn('perpetratorName', 'text')
      .addColumn('distance', real)
      .addColumn('eventCount', 'integer', (c) => c.notNull())
      .addColumn('firstSeen', ts, (c) => c.notNull())
      .addColumn('lastSeen', ts, (c) => c.notNull())
      .addColumn('replayId', 'text')
      .addColumn('escalationLevel', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('createdAt', ts, (c) => c.notNull())
      .addColumn('updatedAt', ts, (c) => c.notNull())
      .execute();
    await s.createIndex('alertsCreated').on('alerts').columns(['createdAt', 'id']).execute();
    await s.createIndex('alertsOpen').on('alerts').columns(['perpetratorId', 'cameraId', 'state']).execute();
    await s
      .createTable('alertSources')
      .addColumn('eventId', 'text', (c) => c.primaryKey())
      .addColumn('alertId', 'text', (c) => c.notNull().references('alerts.id').onDelete('cascade'))
      .addColumn('receivedAt', ts, (c) => c.notNull())
      .execute();
    await s
      .createTable('alertActions')
      .addColumn('id', serial, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
      .addColumn('alertId', 'text', (c) => c.notNull().references('alerts.id').onDelete('cascade'))
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('actorKeyId', 'text')
      .addColumn('actorName', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('at', ts, (c) => c.notNull())
      .execute();
    await s
      .createTable('alertEvents')
      .addColumn('seq', serial, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
      .addColumn('alertId', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('at', ts, (c) => c.notNull())
      .execute();
    await s
      .createTable('evidence')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('alertId', 'text', (c) => c.notNull().references('alerts.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('bytes', 'integer', (c) => c.notNull())
      .addColumn('mime', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('createdAt', ts, (c) => c.notNull())
      .execute();
    await s
      .createTable('webhookDeliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('alertId', 'text', (c) => c.notNull().references('alerts.id').onDelete('cascade'))
      .addColumn('officerId', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('lastStatus', 'integer')
      .addColumn('lastError', 'text')
      .addColumn('createdAt', ts, (c) => c.notNull())
      .addColumn('deliveredAt', ts)
      .execute();
    await s.createIndex('deliveriesStatus').on('webhookDeliveries').columns(['status']).execute();
    await s
      .createTable('audit')
      .addColumn('id', serial, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
      .addColumn('at', ts, (c) => c.notNull())
      .addColumn('actorKeyId', 'text')
      .addColumn('actorName', 'text', (c) => c.notNull())
      .addColumn('role', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('targetType', 'text', (c) => c.notNull())
      .addColumn('targetId', 'text')
      .addColumn('detail', 'text')
      .addColumn('ip', 'text')
      .execute();
    if (dialect === 'sqlite') await sql`PRAGMA foreign_keys = ON`.execute(db);
  },
});
