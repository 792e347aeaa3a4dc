'use strict';
// baton's bootstrap for the nodejs18.x / nodejs20.x / nodejs22.x runtimes.
//
// The function host starts it as `node node_bootstrap.js` in LAMBDA_TASK_ROOT
// with the environment of a Lambda sandbox (_HANDLER, AWS_LAMBDA_RUNTIME_API,
// AWS_LAMBDA_FUNCTION_NAME, ...). It loads the handler the way AWS's Node.js
// runtime does and then serves invocations over the Lambda Runtime API:
//   GET  /2018-06-01/runtime/invocation/next
//   POST /2018-06-01/runtime/invocation/{id}/response | /error
//   POST /2018-06-01/runtime/init/error
// Async handlers, callback handlers and context.done/succeed/fail are
// supported; callbackWaitsForEmptyEventLoop is honoured through 'beforeExit'.
// Error bodies are {"errorType","errorMessage","trace"} and console lines are
// "<ISO time>\t<request id>\t<LEVEL>\t<message>" on stdout, as on Lambda.
// Standard library only. Response streaming is not supported.
//
// The AWS SDK that baton offers (v3 clients, found through NODE_PATH) is required as any package
// is. ES modules read no NODE_PATH: an isolated sandbox of `baton serve` shows the SDK in a
// node_modules folder of an ancestor of the code, where Node finds it; elsewhere this bootstrap
// makes an ES module handler find, through NODE_PATH, what Node's own resolution does not.

const fs = require('fs');
const http = require('http');
const nodeModule = require('module');
const path = require('path');
const util = require('util');
const { pathToFileURL } = require('url');

const env = process.env;
const taskRoot = env.LAMBDA_TASK_ROOT || process.cwd();

// ---------------------------------------------------------------- logging

let currentRequestId; // printed as "undefined" before the first invocation, as on Lambda

function writeLog(level, message, ...params) {
  const text = util.format(message, ...params);
  // One log record per line: embedded newlines become \r, as Lambda does on stdout.
  const line = `${new Date().toISOString()}\t${currentRequestId}\t${level}\t${text}`;
  process.stdout.write(line.replace(/\n/g, '\r') + '\n');
}

for (const [method, level] of [
  ['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'],
  ['debug', 'DEBUG'], ['trace', 'TRACE'], ['fatal', 'FATAL'],
]) {
  console[method] = (message, ...params) => writeLog(level, message, ...params);
}

// ----------------------------------------------------------------- errors

// An Error named "Runtime.<type>" whose trace starts where it was raised. The name is not
// enumerable (as on an error class), so logged JSON carries no extra "name" key.
function runtimeError(type, message) {
  const err = new Error(message);
  Object.defineProperty(err, 'name', { value: `Runtime.${type}`, writable: true, configurable: true });
  Error.captureStackTrace(err, runtimeError);
  return err;
}

function isErrorLike(value) {
  return util.types.isNativeError(value) ||
    (value && typeof value.name === 'string' && typeof value.message === 'string' &&
     typeof value.stack === 'string' && value.name !== '' && value.message !== '');
}

// The body posted to /error: what Lambda's Node.js runtime posts for the same value.
function errorBody(err) {
  try {
    if (isErrorLike(err)) {
      return { errorType: err.name, errorMessage: err.message, trace: err.stack.split('\n') };
    }
    return { errorType: typeof err, errorMessage: String(err), trace: [] };
  } catch (_) {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while ' +
        'retrieving one or more of its message, name, and stack',
    };
  }
}

// "<label> \t{json}" at ERROR level, e.g. "Invoke Error" or "Uncaught Exception".
function logError(label, value) {
  const err = value instanceof Error ? value : new Error(value);
  let json;
  try {
    json = JSON.stringify(err, (_key, v) => {
      if (!(v instanceof Error)) return v;
      const out = { errorType: v.name, errorMessage: v.message, code: v.code, ...v };
      if (typeof v.stack === 'string') out.stack = v.stack.split('\n');
      return out;
    });
  } catch (_) {
    json = JSON.stringify(errorBody(err));
  }
  console.error(label, '\t' + json);
}

// ------------------------------------------------------------ Runtime API

const runtimeApi = env.AWS_LAMBDA_RUNTIME_API || '127.0.0.1:9001';
const apiHost = runtimeApi.slice(0, runtimeApi.lastIndexOf(':')).replace(/^\[|\]$/g, '');
const apiPort = Number(runtimeApi.slice(runtimeApi.lastIndexOf(':') + 1));
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function callApi(method, urlPath, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(body);
    const req = http.request({
      host: apiHost, port: apiPort, method, agent,
      path: '/2018-06-01/runtime' + urlPath,
      headers: data ? { 'Content-Length': data.length, ...headers } : headers,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({
        status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'),
      }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}

async function postError(urlPath, err) {
  const body = errorBody(err);
  const res = await callApi('POST', urlPath, JSON.stringify(body), {
    'Content-Type': 'application/json',
    'Lambda-Runtime-Function-Error-Type': body.errorType,
  });
  checkPosted(urlPath, res);
}

function checkPosted(urlPath, res) {
  if (res.status === 202) return;
  process.stderr.write(`baton node bootstrap: POST ${urlPath} -> ${res.status} ${res.body}\n`);
  if (res.status >= 500) process.exit(1); // the Runtime API says: non-recoverable
}

// ------------------------------------------------------ loading the handler

// "path/to/module.nested.fn": module root "path/to/", module "module", property path "nested.fn".
async function loadHandler(handlerString) {
  if (handlerString.includes('..')) {
    throw runtimeError('MalformedHandlerName', `'${handlerString}' is not a valid handler name. ` +
      'Use absolute paths when specifying root directories in handler names.');
  }
  const base = path.basename(handlerString);
  const moduleRoot = handlerString.slice(0, handlerString.length - base.length);
  const dot = base.indexOf('.');
  if (dot < 0) throw runtimeError('MalformedHandlerName', 'Bad handler');
  const moduleName = base.slice(0, dot);

  let userModule;
  try {
    userModule = await importUserModule(moduleRoot, moduleName);
  } catch (err) {
    if (err instanceof SyntaxError) throw runtimeError('UserCodeSyntaxError', String(err));
    if (err && (err.code === 'MODULE_NOT_FOUND' || err.code === 'ERR_MODULE_NOT_FOUND')) {
      throw runtimeError('ImportModuleError', String(err));
    }
    throw err;
  }
  const fn = base.slice(dot + 1).split('.').reduce((obj, key) => obj && obj[key], userModule);
  if (!fn) throw runtimeError('HandlerNotFound', `${handlerString} is undefined or not exported`);
  if (typeof fn !== 'function') throw runtimeError('HandlerNotFound', `${handlerString} is not a function`);
  return fn;
}

// A module resolution hook (loaded from a data: URL, in the loader's thread): a bare specifier
// ('@aws-sdk/client-sfn') that Node does not find is looked for as if imported from a file next
// to each of `parents`' node_modules folders.
const nodePathHook = `
let parents = [];
export function initialize(data) { parents = data.parents; }
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    const bare = !/^[./]/.test(specifier) && !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(specifier);
    if (!bare || !err || err.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    for (const parentURL of parents) {
      try {
        return await nextResolve(specifier, { ...context, parentURL });
      } catch (_) {
        // the next folder, or the first error
      }
    }
    throw err;
  }
}`;

// Before the ES module `file` is imported: makes its imports, and those of every ES module after
// it, find what NODE_PATH's node_modules folders hold, unless these are in its ancestors already
// (where Node looks by itself). A hook costs a loader thread, so only when it is needed; and
// only on a Node.js with module.register (18.19, 20.6 and later).
function resolveThroughNodePath(file) {
  if (!env.NODE_PATH || typeof nodeModule.register !== 'function') return;
  const real = (p) => {
    try {
      return fs.realpathSync(p);
    } catch (_) {
      return null;
    }
  };
  const ancestors = new Set();
  for (let dir = path.dirname(real(file) || file); ; dir = path.dirname(dir)) {
    const found = real(path.join(dir, 'node_modules'));
    if (found) ancestors.add(found);
    if (path.dirname(dir) === dir) break;
  }
  const folders = env.NODE_PATH.split(path.delimiter).filter(Boolean).map(real)
    .filter((dir) => dir && path.basename(dir) === 'node_modules' && !ancestors.has(dir));
  if (folders.length === 0) return;
  const parents =
    folders.map((dir) => pathToFileURL(path.join(path.dirname(dir), 'index.mjs')).href);
  nodeModule.register('data:text/javascript,' + encodeURIComponent(nodePathHook),
    { data: { parents } });
}

// The lookup order of Lambda's Node.js runtime: the exact file, then .js (CommonJS, or an
// ES module under "type": "module"), .mjs, .cjs, and last Node's own resolution from the
// task root (node_modules, folders with index.js).
async function importUserModule(moduleRoot, moduleName) {
  const file = path.resolve(taskRoot, moduleRoot, moduleName);
  const importFile = (p) => {
    resolveThroughNodePath(p);
    return import(pathToFileURL(p).href);
  };
  if (fs.existsSync(file)) return require(file);
  const esm = nearestPackageIsModule(path.dirname(file));
  if (fs.existsSync(file + '.js')) return esm ? importFile(file + '.js') : require(file + '.js');
  if (fs.existsSync(file + '.mjs')) return importFile(file + '.mjs');
  if (fs.existsSync(file + '.cjs')) return require(file + '.cjs');
  const paths = [taskRoot, path.resolve(taskRoot, moduleRoot)];
  return require(require.resolve(moduleName, { paths }));
}

function nearestPackageIsModule(dir) {
  for (;;) {
    if (dir.endsWith(`${path.sep}node_modules`)) return false;
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        return JSON.parse(fs.readFileSync(pj, 'utf8')).type === 'module';
      } catch (err) {
        console.warn(`${pj} cannot be read, it will be ignored for ES module detection purposes.`, err);
        return false;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

// ------------------------------------------------------------- invocations

// What to do once the event loop is empty ('beforeExit'): finish the invocation.
let onEmptyEventLoop = null;
process.on('beforeExit', () => {
  const action = onEmptyEventLoop;
  onEmptyEventLoop = null;
  if (action) action();
});

function parseJsonHeader(value, name) {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new Error(`Cannot parse ${name} as json: ${err}`);
  }
}

// Runs one invocation; resolves once its result or error has been posted.
async function invokeOnce(handler, handlerIsAsync) {
  const next = await callApi('GET', '/invocation/next');
  if (next.status !== 200) {
    process.stderr.write(`baton node bootstrap: GET next -> ${next.status} ${next.body}\n`);
    process.exit(1);
  }
  const h = next.headers;
  const id = h['lambda-runtime-aws-request-id'];
  currentRequestId = id;
  if (h['lambda-runtime-trace-id']) env._X_AMZN_TRACE_ID = h['lambda-runtime-trace-id'];
  else delete env._X_AMZN_TRACE_ID;

  return new Promise((resolve) => {
    let reported = false; // the response or error has been sent
    const finish = (posting) => posting.catch((err) => {
      process.stderr.write(`baton node bootstrap: ${err.stack}\n`);
      process.exit(1);
    }).then(resolve);

    const fail = (err) => {
      reported = true;
      logError('Invoke Error', err);
      finish(postError(`/invocation/${encodeURIComponent(id)}/error`, err));
    };
    const complete = (result) => {
      if (reported) {
        console.error('Invocation has already been reported as done. ' +
          'Cannot call complete more than once per invocation.');
        return;
      }
      let body;
      try {
        body = JSON.stringify(result === undefined ? null : result);
      } catch (_) {
        fail(runtimeError('MarshalError', 'Unable to stringify response body'));
        return;
      }
      reported = true;
      const urlPath = `/invocation/${encodeURIComponent(id)}/response`;
      finish(callApi('POST', urlPath, body === undefined ? 'null' : body,
        { 'Content-Type': 'application/json' }).then((res) => checkPosted(urlPath, res)));
    };

    // Only the first of callback / done / succeed / fail (and a returned promise) counts.
    let called = false;
    const once = (fn) => (...args) => {
      if (called) return;
      called = true;
      fn(...args);
    };
    let waitForEmptyEventLoop = true;
    const done = once((err, result) => {
      onEmptyEventLoop = null;
      if (err !== undefined && err !== null) fail(err);
      else complete(result);
    });
    const callback = once((err, result) => {
      onEmptyEventLoop = null;
      if (err !== undefined && err !== null) fail(err);
      else if (!waitForEmptyEventLoop) complete(result);
      else onEmptyEventLoop = () => setImmediate(() => complete(result));
    });

    // A handler that never finishes: Lambda fails an async one and answers null for the others.
    onEmptyEventLoop = () => {
      called = true;
      if (handlerIsAsync) {
        fail(runtimeError('NodeJsExit', 'Runtime exited with a Promise that was never settled: ' +
          'the event loop emptied before the async handler finished'));
      } else {
        complete(null);
      }
    };

    const deadline = Number(h['lambda-runtime-deadline-ms']);
    const context = {
      get callbackWaitsForEmptyEventLoop() { return waitForEmptyEventLoop; },
      set callbackWaitsForEmptyEventLoop(value) { waitForEmptyEventLoop = value; },
      succeed: (result) => done(null, result),
      fail: (err) => done(err === undefined || err === null ? 'handled' : err, null),
      done,
      functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
      functionName: env.AWS_LAMBDA_FUNCTION_NAME,
      memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
      invokedFunctionArn: h['lambda-runtime-invoked-function-arn'],
      awsRequestId: id,
      getRemainingTimeInMillis: () => deadline - Date.now(),
    };

    try {
      context.clientContext = parseJsonHeader(h['lambda-runtime-client-context'], 'ClientContext');
      context.identity = parseJsonHeader(h['lambda-runtime-cognito-identity'], 'CognitoIdentity');
      const result = handler(JSON.parse(next.body), context, callback);
      if (result && typeof result.then === 'function') {
        result.then(context.succeed, context.fail);
      }
    } catch (err) {
      callback(err);
    }
  });
}

// --------------------------------------------------------------------- main

// A crash reports to the current invocation, or to /init/error before the first one.
function crash(label, err, exitCode) {
  logError(label, err);
  const urlPath = currentRequestId === undefined
    ? '/init/error' : `/invocation/${encodeURIComponent(currentRequestId)}/error`;
  postError(urlPath, err).finally(() => process.exit(exitCode));
}

process.on('uncaughtException', (err) => crash('Uncaught Exception', err, 129));
process.on('unhandledRejection', (reason) => crash('Unhandled Promise Rejection',
  runtimeError('UnhandledPromiseRejection', String(reason)), 128));

async function main() {
  const handler = await loadHandler(env._HANDLER || '');
  const handlerIsAsync = handler.constructor && handler.constructor.name === 'AsyncFunction';
  for (;;) await invokeOnce(handler, handlerIsAsync);
}

main().catch((err) => crash('Uncaught Exception', err, 129));
