import { CompiledQuery, type Compilable, type Kysely } from "kysely";

interface Template {
  sql: string;
  /** For each parameter of the compiled SQL, the index of the argument it takes. */
  slots: number[];
}

/**
 * A hot statement built and compiled once per dialect, then run with fresh arguments. Building a
 * Kysely query (immutable nodes, frozen at each step) and compiling it costs more JavaScript time
 * than SQLite takes to run a small statement, on every request. `build` gets placeholder
 * arguments; each parameter of the compiled SQL must be one of them as given (no conversion).
 */
export function precompiled<DB, Args extends unknown[], Row>(
  arity: Args["length"],
  build: (db: Kysely<DB>, ...args: Args) => Compilable<Row>,
): (db: Kysely<DB>, ...args: Args) => Promise<Row[]> {
  // By dialect adapter: one per database handle, shared by its transactions.
  const templates = new WeakMap<object, Template>();
  return async (db, ...args) => {
    const adapter = db.getExecutor().adapter;
    let template = templates.get(adapter);
    if (template === undefined) {
      template = compileTemplate(db, arity, build);
      templates.set(adapter, template);
    }
    const parameters = template.slots.map((slot) => args[slot]);
    return (await db.executeQuery<Row>(CompiledQuery.raw(template.sql, parameters))).rows;
  };
}

function compileTemplate<DB, Args extends unknown[], Row>(
  db: Kysely<DB>,
  arity: number,
  build: (db: Kysely<DB>, ...args: Args) => Compilable<Row>,
): Template {
  const placeholders = Array.from({ length: arity }, (_, i) => `\u0000argument ${i}\u0000`);
  const compiled = build(db, ...(placeholders as Args)).compile();
  const slots = compiled.parameters.map((value) => {
    const slot = placeholders.indexOf(value as string);
    if (slot < 0) throw new Error(`precompiled: a parameter is not an argument in ${compiled.sql}`);
    return slot;
  });
  return { sql: compiled.sql, slots };
}
