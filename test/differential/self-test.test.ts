import { describe, expect, it } from 'vitest';
import { SELF_TEST_EXPECTED, SELF_TEST_SOURCE } from '../../core/template/dialect-self-test.js';
import { renderWithJinja2 } from './oracle.js';

describe("the dialect's start-up self-test", () => {
  it("expects what Python's Jinja2 renders", () => {
    expect(renderWithJinja2([{ id: 'self-test', template: SELF_TEST_SOURCE }]).get('self-test')).toEqual({ output: SELF_TEST_EXPECTED });
  });
});
