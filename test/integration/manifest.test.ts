import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { EMPTY_HOME } from '../helpers/load.js';
import { copyExample } from '../helpers/temp-project.js';

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/specs/dbt-manifest-v12.json'), 'utf8')) as object;

describe('manifest.json', () => {
  it("validates against dbt's v12 schema for a project with every kind of node", async () => {
    const dir = copyExample('quickstart');
    const { code } = await cli(['build', '--project-dir', dir], { HOME: EMPTY_HOME });
    expect(code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as {
      nodes: Record<string, { resource_type: string; depends_on?: { nodes: string[]; macros: string[] }; checksum: { checksum: string } }>;
      unit_tests: Record<string, unknown>;
      parent_map: Record<string, string[]>;
    };
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    const valid = validate(manifest);
    expect(valid, JSON.stringify(validate.errors?.slice(0, 5), null, 1)).toBe(true);
    expect(Object.keys(manifest.unit_tests)).toEqual(['unit_test.quickstart.revenue_by_product_group.discounts_are_list_value_minus_net']);
    expect(manifest.nodes['model.quickstart.stg_sales']?.depends_on).toEqual({
      nodes: ['seed.quickstart.raw_sales'],
      macros: ['macro.quickstart.parse_eu_number', 'macro.quickstart.parse_percent', 'macro.quickstart.parse_yyyymmdd'],
    });
    expect(manifest.parent_map['model.quickstart.revenue_by_product_group']).toEqual([
      'model.quickstart.sales_enriched',
      'unit_test.quickstart.revenue_by_product_group.discounts_are_list_value_minus_net',
    ]);
  });
});
