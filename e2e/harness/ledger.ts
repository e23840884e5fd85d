import pg from 'pg';

/** Every delivery id in the ledger's events table (one row per booked event). */
export async function bookedDeliveryIds(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // The table exists once worker-ledger has migrated; before that nothing is booked.
    const exists = await client.query<{ found: string | null }>(`SELECT to_regclass('events') AS found`);
    if (!exists.rows[0]?.found) return [];
    const { rows } = await client.query<{ delivery_id: string }>('SELECT delivery_id FROM events');
    return rows.map((row) => row.delivery_id);
  } finally {
    await client.end();
  }
}
