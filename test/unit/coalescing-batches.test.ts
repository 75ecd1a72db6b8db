import { describe, expect, it } from 'vitest';
import { CoalescingBatches } from '../../src/geocoding/upstream/coalescing-batches.js';

/** A sender whose requests the test answers by hand, recording what each carried. */
function manualSender() {
  const sent: { items: readonly number[]; answer: () => void; fail: (error: Error) => void }[] = [];
  const send = (items: readonly number[]) =>
    new Promise<readonly string[]>((resolve, reject) => sent.push({ items, answer: () => resolve(items.map((n) => `r${n}`)), fail: reject }));
  return { sent, send };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('CoalescingBatches', () => {
  it('sends a batch at once when a slot is free, and joins the batches asked meanwhile into the next request', async () => {
    const { sent, send } = manualSender();
    const batches = new CoalescingBatches(send, 100, 1);
    const first = batches.run([1, 2]);
    expect(sent.map((s) => s.items)).toEqual([[1, 2]]); // no wait for a lone batch
    const later = [batches.run([3]), batches.run([4, 5]), batches.run([6])];
    expect(sent).toHaveLength(1);
    sent[0]!.answer();
    expect(await first).toEqual(['r1', 'r2']);
    await tick();
    expect(sent.map((s) => s.items)).toEqual([[1, 2], [3, 4, 5, 6]]);
    sent[1]!.answer();
    expect(await Promise.all(later)).toEqual([['r3'], ['r4', 'r5'], ['r6']]);
  });

  it('keeps as many requests out as allowed before batches wait', () => {
    const { sent, send } = manualSender();
    const batches = new CoalescingBatches(send, 100, 2);
    void batches.run([1]);
    void batches.run([2]);
    void batches.run([3]);
    expect(sent.map((s) => s.items)).toEqual([[1], [2]]);
  });

  it('never joins past the batch size: whole batches, in order of arrival', async () => {
    const { sent, send } = manualSender();
    const batches = new CoalescingBatches(send, 4, 1);
    void batches.run([1]);
    void batches.run([2, 3]);
    void batches.run([4, 5]);
    void batches.run([6]);
    sent[0]!.answer();
    await tick();
    expect(sent.map((s) => s.items)).toEqual([[1], [2, 3, 4, 5]]); // [6] would make 5
    sent[1]!.answer();
    await tick();
    expect(sent.map((s) => s.items)).toEqual([[1], [2, 3, 4, 5], [6]]);
  });

  it('rejects every batch of a failed request, and goes on with the next', async () => {
    const { sent, send } = manualSender();
    const batches = new CoalescingBatches(send, 100, 1);
    const first = batches.run([1]);
    const joined = [batches.run([2]), batches.run([3])];
    sent[0]!.fail(new Error('down'));
    await expect(first).rejects.toThrow('down');
    await tick();
    sent[1]!.fail(new Error('still down'));
    for (const batch of joined) await expect(batch).rejects.toThrow('still down');
    const after = batches.run([4]);
    await tick();
    sent[2]!.answer();
    expect(await after).toEqual(['r4']);
  });
});
