/** Trino functions DuckDB lacks or spells differently, defined in each DuckDB session (see transpile.ts). */
export const TRINO_MACROS = [
  // Trino's element_at(map, key) is the value (NULL when absent); DuckDB's is a list.
  'CREATE OR REPLACE MACRO trino_element_at(m, k) AS m[k]',
];
