import { describe, expect, it } from 'vitest';
import {
  ancestry,
  categoryCreateSchema,
  categoryPath,
  categorySlug,
  categoryUpdateSchema,
  createProblem,
  flattenTree,
  MAX_CATEGORY_DEPTH,
  moveProblem,
  renameProblem,
  type CategoryNode
} from './categories';

const tree: CategoryNode[] = [
  { category_id: 'tools', parent_id: null, name: 'Tools' },
  { category_id: 'hand', parent_id: 'tools', name: 'Hand tools' },
  { category_id: 'wrench', parent_id: 'hand', name: 'Wrenches' },
  { category_id: 'power', parent_id: 'tools', name: 'Power tools' },
  { category_id: 'fasteners', parent_id: null, name: 'Fasteners' }
];

describe('category tree rules', () => {
  it('builds paths from ids and finds the chain to the root', () => {
    expect(categoryPath(null, 'tools')).toBe('tools');
    expect(categoryPath('tools/hand', 'wrench')).toBe('tools/hand/wrench');
    expect(ancestry(tree, 'wrench')).toEqual(['tools', 'hand', 'wrench']);
    expect(ancestry(tree, 'nope')).toBeNull();
    expect(
      ancestry(
        [
          { category_id: 'a', parent_id: 'b', name: 'A' },
          { category_id: 'b', parent_id: 'a', name: 'B' }
        ],
        'a'
      )
    ).toBeNull();
  });

  it('refuses a move into its own subtree, onto itself or under an unknown parent', () => {
    expect(moveProblem(tree, 'hand', 'fasteners')).toBeNull();
    expect(moveProblem(tree, 'hand', null)).toBeNull();
    expect(moveProblem(tree, 'tools', 'wrench')).toMatch(/wrench is inside tools: .* loop/);
    expect(moveProblem(tree, 'hand', 'hand')).toMatch(/own parent/);
    expect(moveProblem(tree, 'hand', 'nope')).toMatch(/no category nope/);
    expect(moveProblem(tree, 'nope', null)).toMatch(/no category nope/);
  });

  it('bounds the depth, counting the subtree that moves', () => {
    const deep: CategoryNode[] = Array.from({ length: MAX_CATEGORY_DEPTH }, (_, i) => ({
      category_id: `d${i}`,
      parent_id: i ? `d${i - 1}` : null,
      name: `D${i}`
    }));
    expect(createProblem(deep, 'x', `d${MAX_CATEGORY_DEPTH - 2}`, 'X')).toBeNull();
    expect(createProblem(deep, 'x', `d${MAX_CATEGORY_DEPTH - 1}`, 'X')).toMatch(/deeper than/);
    const withBranch = [
      ...deep,
      { category_id: 'b0', parent_id: null, name: 'B0' },
      { category_id: 'b1', parent_id: 'b0', name: 'B1' }
    ];
    expect(moveProblem(withBranch, 'b0', `d${MAX_CATEGORY_DEPTH - 3}`)).toBeNull();
    expect(moveProblem(withBranch, 'b0', `d${MAX_CATEGORY_DEPTH - 2}`)).toMatch(/deeper than/);
  });

  it('keeps sibling names apart, case-insensitively', () => {
    expect(createProblem(tree, 'x', 'tools', 'hand TOOLS')).toMatch(/already a category/);
    expect(createProblem(tree, 'x', 'fasteners', 'Hand tools')).toBeNull();
    expect(createProblem(tree, 'tools', null, 'Other')).toMatch(/exists already/);
    expect(renameProblem(tree, 'power', 'Hand Tools')).toMatch(/already a category/);
    expect(renameProblem(tree, 'hand', 'hand tools')).toBeNull();
    expect(renameProblem(tree, 'hand', 'Fasteners', null)).toMatch(/already a category/);
  });

  it('lists the tree parent first, siblings by name, with labels from the root', () => {
    expect(flattenTree(tree).map((r) => [r.node.category_id, r.depth, r.label])).toEqual([
      ['fasteners', 0, 'Fasteners'],
      ['tools', 0, 'Tools'],
      ['hand', 1, 'Tools › Hand tools'],
      ['wrench', 2, 'Tools › Hand tools › Wrenches'],
      ['power', 1, 'Tools › Power tools']
    ]);
  });

  it('validates ids, names and updates', () => {
    expect(categoryCreateSchema.safeParse({ category_id: 'a/b', parent_id: null, name: 'A' }).success).toBe(false);
    expect(categoryCreateSchema.safeParse({ category_id: 'ab', parent_id: null, name: ' ' }).success).toBe(false);
    expect(categoryUpdateSchema.safeParse({ version: 1 }).success).toBe(false);
    expect(categoryUpdateSchema.safeParse({ version: 1, parent_id: null }).success).toBe(true);
    expect(categorySlug('Hand tools & Émeri')).toBe('hand-tools-emeri');
  });
});
