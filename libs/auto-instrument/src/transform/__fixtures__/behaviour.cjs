// Observable behaviour the transform must keep: each check pushes what it saw, and the spec
// compares the log of the original file with the log of the instrumented one.
'use strict';

const seen = [];
const note = (label, value) => seen.push([label, value]);

function add(a, b = a + 1, ...rest) {
  return a + b + rest.length;
}

function thisAndArguments() {
  return [this === undefined ? 'undefined' : typeof this, arguments.length, arguments[1]];
}

function Maker(value) {
  if (!new.target) return 'called';
  this.value = value;
  return undefined;
}

class Base {
  constructor(name) {
    this.name = name;
  }
  greet() {
    return `base ${this.name}`;
  }
  static kind() {
    return 'base';
  }
}

class Derived extends Base {
  extra = () => this.name.length;
  #hidden = 7;
  constructor(name) {
    const before = typeof name;
    super(name.toUpperCase());
    this.before = before;
  }
  greet() {
    return `derived ${super.greet()}`;
  }
  static kind() {
    return `derived ${super.kind()}`;
  }
  get hidden() {
    return this.#hidden;
  }
  set hidden(v) {
    this.#hidden = v * 2;
  }
  #secret() {
    return this.#hidden + 1;
  }
  reveal() {
    return this.#secret();
  }
}

const objectWithSuper = {
  __proto__: {
    hello() {
      return 'proto hello';
    },
  },
  hello() {
    return `own ${super.hello()}`;
  },
};

function hoisted() {
  return inner();
  function inner() {
    return 'inner hoisted';
  }
}

function sloppyHoisting() {
  const seenBefore = typeof later;
  var later = 1;
  return [seenBefore, later];
}

function tdz() {
  try {
    value;
  } catch (error) {
    return [error.constructor.name, error.message];
  }
  let value = 1;
  return value;
}

const outer = 'outer';
function defaultScope(a = () => outer, b = a()) {
  const outer = 'body';
  return [b, outer];
}

const thrown = new Error('boom');
function thrower() {
  throw thrown;
}

function* counter(limit) {
  let received = [];
  try {
    for (let i = 0; i < limit; i += 1) {
      const got = yield i;
      received.push(got);
    }
    return received;
  } finally {
    note('counter finally', received.length);
  }
}

function* delegating() {
  const result = yield* counter(2);
  yield;
  return result;
}

async function asyncWork(log, label) {
  log.push(`${label} start`);
  await null;
  log.push(`${label} after await 1`);
  const v = await Promise.resolve(label.length);
  log.push(`${label} after await 2`);
  try {
    await Promise.reject(new Error(`${label} rejected`));
  } catch (error) {
    log.push(`${label} caught ${error.message}`);
  } finally {
    log.push(`${label} finally`);
  }
  return v;
}

const asyncArrow = async (log) => log.push('arrow') && (await 1);

async function* asyncGen(log) {
  log.push('gen start');
  yield 1;
  await null;
  log.push('gen middle');
  yield 2;
  log.push('gen end');
}

async function consume(log) {
  const out = [];
  outer: for await (const value of asyncGen(log)) {
    out.push(value);
    if (value > 5) continue outer;
  }
  for await (const value of [Promise.resolve('a'), 'b']) out.push(value);
  return out;
}

async function run() {
  note('add', [add(1), add(1, 2), add(1, 2, 3, 4)]);
  note('length', [add.length, thisAndArguments.length, Derived.length, consume.length]);
  note('name', [add.name, asyncArrow.name, Derived.name, Derived.prototype.greet.name, objectWithSuper.hello.name]);
  note('this/arguments', thisAndArguments(1, 2, 3));
  note('this/arguments call', thisAndArguments.call('x', 9));
  note('new.target', [Maker(1), new Maker(2).value]);
  const d = new Derived('ann');
  note('super', [d.greet(), Derived.kind(), d.name, d.before, d.extra(), objectWithSuper.hello()]);
  d.hidden = 5;
  note('accessors/private', [d.hidden, d.reveal()]);
  note('hoisting', [hoisted(), sloppyHoisting()]);
  note('tdz', tdz());
  note('default scope', defaultScope());
  try {
    thrower();
  } catch (error) {
    note('same thrown object', error === thrown);
  }
  const gen = counter(3);
  note('gen', [gen.next('ignored'), gen.next('a'), gen.next('b'), gen.next('c'), gen.next()]);
  const early = counter(5);
  early.next();
  note('gen return', [early.return('stopped'), early.next()]);
  const failing = counter(5);
  failing.next();
  try {
    failing.throw(thrown);
  } catch (error) {
    note('gen throw', error === thrown);
  }
  note('delegating', [...delegating()]);
  // Interleave two async functions and plain promise callbacks: the order of the log is the
  // microtask order, which instrumentation must not change.
  const log = [];
  const both = Promise.all([asyncWork(log, 'A'), asyncWork(log, 'BB'), asyncArrow(log)]);
  Promise.resolve()
    .then(() => log.push('then 1'))
    .then(() => log.push('then 2'))
    .then(() => log.push('then 3'));
  note('async results', await both);
  note('async generator', await consume(log));
  note('async order', log);
  return seen;
}

module.exports = { run, add, Derived, thrower, counter, asyncWork };
