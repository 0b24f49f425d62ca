// A process's inbox: oldest first overall or per sender, each message taken once, ids increasing.
import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../src/bytecode/errors.js';
import { Mailbox, type Envelope } from '../../src/vm/mailbox.js';

function envelope(id: number, from: string, value: Envelope['value'] = id): Envelope {
  return { id, from, to: 'me', value };
}

function filled(...messages: [number, string][]): Mailbox {
  const mailbox = new Mailbox();
  for (const [id, from] of messages) mailbox.push(envelope(id, from));
  return mailbox;
}

describe('Mailbox', () => {
  it('take returns the oldest message from any sender, then nothing', () => {
    const mailbox = filled([3, 'b'], [5, 'a'], [8, 'b']);
    expect([mailbox.take()?.id, mailbox.take()?.id, mailbox.take()?.id, mailbox.take()]).toEqual([3, 5, 8, undefined]);
    expect(mailbox.size).toBe(0);
  });

  it('takeFrom returns the oldest message from that sender only', () => {
    const mailbox = filled([1, 'a'], [2, 'b'], [3, 'a'], [4, 'b']);
    expect(mailbox.takeFrom('b')?.id).toBe(2);
    expect(mailbox.takeFrom('b')?.id).toBe(4);
    expect(mailbox.takeFrom('b')).toBeUndefined();
    expect(mailbox.takeFrom('nobody')).toBeUndefined();
    expect(mailbox.size).toBe(2);
  });

  it('take skips messages already taken by takeFrom', () => {
    const mailbox = filled([1, 'a'], [2, 'b'], [3, 'a'], [4, 'c']);
    expect(mailbox.takeFrom('a')?.id).toBe(1);
    expect(mailbox.takeFrom('a')?.id).toBe(3);
    expect(mailbox.take()?.id).toBe(2);
    expect(mailbox.take()?.id).toBe(4);
    expect(mailbox.take()).toBeUndefined();
  });

  it('takeFrom skips messages already taken by take', () => {
    const mailbox = filled([1, 'a'], [2, 'a'], [3, 'b']);
    expect(mailbox.take()?.id).toBe(1);
    expect(mailbox.takeFrom('a')?.id).toBe(2);
    expect(mailbox.hasFrom('a')).toBe(false);
  });

  it('hasFrom and size follow pushes and takes', () => {
    const mailbox = new Mailbox();
    expect(mailbox.hasFrom('a')).toBe(false);
    mailbox.push(envelope(1, 'a'));
    expect([mailbox.hasFrom('a'), mailbox.hasFrom('b'), mailbox.size]).toEqual([true, false, 1]);
    mailbox.take();
    expect([mailbox.hasFrom('a'), mailbox.size]).toEqual([false, 0]);
  });

  it('keeps the envelope and its value as pushed', () => {
    const mailbox = new Mailbox();
    const sent = { id: 7, from: 'writer#3', to: 'main', value: { text: 'done', files: ['a.md'] } };
    mailbox.push(sent);
    expect(mailbox.take()).toBe(sent);
  });

  it('refuses an id that does not increase, as a kernel bug, and keeps its contents', () => {
    const mailbox = filled([4, 'a']);
    expect(() => mailbox.push(envelope(4, 'b'))).toThrow(InvariantError);
    expect(() => mailbox.push(envelope(4, 'b'))).toThrow(/ids pushed into one mailbox increase, got 4 after 4/);
    expect(() => mailbox.push(envelope(2, 'a'))).toThrow(/increase/);
    expect(mailbox.snapshot().map((message) => message.id)).toEqual([4]);
  });

  it('refuses an id at or below one already taken or drained', () => {
    const mailbox = filled([4, 'a']);
    mailbox.drain();
    expect(() => mailbox.push(envelope(3, 'a'))).toThrow(/increase/);
    mailbox.push(envelope(5, 'a'));
    expect(mailbox.take()?.id).toBe(5);
  });

  it('snapshot lists pending messages in id order without removing them', () => {
    const mailbox = filled([1, 'a'], [2, 'b'], [3, 'a'], [4, 'b']);
    mailbox.takeFrom('b');
    expect(mailbox.snapshot().map((message) => message.id)).toEqual([1, 3, 4]);
    expect(mailbox.size).toBe(3);
    expect(mailbox.take()?.id).toBe(1);
  });

  it('drain removes and returns every pending message in id order', () => {
    const mailbox = filled([1, 'a'], [2, 'b'], [3, 'a'], [4, 'b']);
    mailbox.takeFrom('a');
    expect(mailbox.drain().map((message) => message.id)).toEqual([2, 3, 4]);
    expect([mailbox.size, mailbox.hasFrom('a'), mailbox.hasFrom('b'), mailbox.take(), mailbox.drain()]).toEqual([0, false, false, undefined, []]);
  });

  it('restores from a snapshot into an equal mailbox', () => {
    const mailbox = filled([1, 'a'], [2, 'b'], [3, 'a']);
    mailbox.takeFrom('a');
    const restored = new Mailbox();
    for (const message of mailbox.snapshot()) restored.push(message);
    expect([restored.takeFrom('a')?.id, restored.take()?.id, restored.size]).toEqual([3, 2, 0]);
  });

  it('keeps order through many takeFrom calls while one sender waits untaken', () => {
    const mailbox = new Mailbox();
    let id = 0;
    mailbox.push(envelope(++id, 'slow'));
    for (let round = 0; round < 5000; round++) {
      mailbox.push(envelope(++id, 'fast'));
      if (round % 10 === 0) mailbox.push(envelope(++id, 'slow'));
      expect(mailbox.takeFrom('fast')?.id).toBe(id - (round % 10 === 0 ? 1 : 0));
    }
    const slow = mailbox.drain();
    expect(slow.every((message) => message.from === 'slow')).toBe(true);
    expect(slow.length).toBe(501);
    expect(slow.map((message) => message.id)).toEqual([...slow.map((message) => message.id)].sort((a, b) => a - b));
  });

  it('passes a million messages through a ping-pong pair of mailboxes', () => {
    const inboxes = { ping: new Mailbox(), pong: new Mailbox() };
    let id = 0;
    inboxes.pong.push({ id: ++id, from: 'ping', to: 'pong', value: 0 });
    let received = 0;
    for (let turn = 0; turn < 500_000; turn++) {
      const atPong = inboxes.pong.takeFrom('ping')!;
      inboxes.ping.push({ id: ++id, from: 'pong', to: 'ping', value: atPong.value });
      const atPing = inboxes.ping.take()!;
      received += 2;
      inboxes.pong.push({ id: ++id, from: 'ping', to: 'pong', value: (atPing.value as number) + 1 });
    }
    expect(received).toBe(1_000_000);
    expect(inboxes.pong.snapshot()).toEqual([{ id: 1_000_001, from: 'ping', to: 'pong', value: 500_000 }]);
    expect(inboxes.ping.size).toBe(0);
  });
});
