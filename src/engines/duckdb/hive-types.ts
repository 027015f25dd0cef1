/**
 * Glue (Hive) column types → DuckDB types for reading the snapshot JSON, with struct fields
 * named by the table's `mapping.*` SerDe properties, as the OpenX JSON SerDe reads them.
 */

type HiveType =
  | { kind: 'primitive'; name: string }
  | { kind: 'array'; element: HiveType }
  | { kind: 'map'; key: HiveType; value: HiveType }
  | { kind: 'struct'; fields: { name: string; type: HiveType }[] };

export function parseHiveType(text: string): HiveType {
  let i = 0;
  const peek = () => text[i];
  const expect = (c: string) => {
    if (text[i] !== c) throw new Error(`Glue type '${text}': expected '${c}' at ${i}`);
    i++;
  };
  const word = () => {
    const m = /^[A-Za-z_][A-Za-z0-9_]*(\(\d+(,\d+)?\))?/.exec(text.slice(i));
    if (!m) throw new Error(`Glue type '${text}': expected a name at ${i}`);
    i += m[0].length;
    return m[0];
  };
  const parse = (): HiveType => {
    const name = word().toLowerCase();
    if (name === 'array') {
      expect('<');
      const element = parse();
      expect('>');
      return { kind: 'array', element };
    }
    if (name === 'map') {
      expect('<');
      const key = parse();
      expect(',');
      const value = parse();
      expect('>');
      return { kind: 'map', key, value };
    }
    if (name === 'struct') {
      expect('<');
      const fields: { name: string; type: HiveType }[] = [];
      while (peek() !== '>') {
        const field = word();
        expect(':');
        fields.push({ name: field, type: parse() });
        if (peek() === ',') i++;
      }
      expect('>');
      return { kind: 'struct', fields };
    }
    return { kind: 'primitive', name };
  };
  const t = parse();
  if (i !== text.length) throw new Error(`Glue type '${text}': unexpected '${text.slice(i)}'`);
  return t;
}

const PRIMITIVES: Record<string, string> = {
  string: 'VARCHAR',
  bigint: 'BIGINT',
  int: 'INTEGER',
  integer: 'INTEGER',
  smallint: 'SMALLINT',
  tinyint: 'TINYINT',
  double: 'DOUBLE',
  float: 'FLOAT',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
  date: 'DATE',
};

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** DuckDB type for read_json; `mapping` maps lower-case Hive names to JSON keys. */
export function duckDbType(t: HiveType, mapping: Record<string, string>): string {
  switch (t.kind) {
    case 'primitive': {
      const base = t.name.replace(/\(.*$/, '');
      const d =
        PRIMITIVES[base] ??
        (base === 'varchar' || base === 'char'
          ? 'VARCHAR'
          : base.startsWith('decimal')
            ? t.name.toUpperCase()
            : undefined);
      if (!d) throw new Error(`Glue type '${t.name}' has no DuckDB equivalent here`);
      return d;
    }
    case 'array':
      return `${duckDbType(t.element, mapping)}[]`;
    case 'map':
      return `MAP(${duckDbType(t.key, mapping)}, ${duckDbType(t.value, mapping)})`;
    case 'struct':
      return `STRUCT(${t.fields.map((f) => `${quote(mapping[f.name.toLowerCase()] ?? f.name)} ${duckDbType(f.type, mapping)}`).join(', ')})`;
  }
}

export function serdeMapping(serdeParameters: Record<string, string>): Record<string, string> {
  const mapping: Record<string, string> = {};
  for (const [k, v] of Object.entries(serdeParameters)) {
    if (k.startsWith('mapping.')) mapping[k.slice('mapping.'.length).toLowerCase()] = v;
  }
  return mapping;
}
