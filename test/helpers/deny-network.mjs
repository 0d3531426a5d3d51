// Loaded with `node --import` into a process under test: every outbound connection or DNS lookup
// to anything but loopback is refused and written to $DESKSIDE_NETLOG, standing in for a machine
// whose firewall blocks all traffic. The product must never try.
import dns from "node:dns";
import fs from "node:fs";
import net from "node:net";

const log = process.env.DESKSIDE_NETLOG;
const isLoopback = (host) => !host || host === "localhost" || host === "::1" || /^127\./.test(host) || host === "0.0.0.0" || host === "::";

function record(kind, target) {
  if (log) fs.appendFileSync(log, `${kind} ${target}\n`);
}

function refused(target) {
  const error = new Error(`connect ECONNREFUSED ${target} (outbound network refused)`);
  error.code = "ECONNREFUSED";
  return error;
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  // net.connect() and http pass their arguments on already normalized, as one array [options, callback].
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === "object" && first !== null ? first : {port: first, host: typeof args[1] === "string" ? args[1] : undefined};
  if (!options.path && !isLoopback(options.host)) {
    const target = `${options.host}:${options.port}`;
    record("connect", target);
    process.nextTick(() => this.destroy(refused(target)));
    return this;
  }
  return connect.apply(this, args);
};

for (const name of ["lookup", "resolve", "resolve4", "resolve6"]) {
  const original = dns[name];
  dns[name] = function (host, ...rest) {
    if (!isLoopback(host)) {
      record(`dns.${name}`, host);
      const callback = rest.find((a) => typeof a === "function");
      const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${host} (outbound network refused)`), {code: "ENOTFOUND"});
      if (callback) process.nextTick(() => callback(error));
      return undefined;
    }
    return original.call(this, host, ...rest);
  };
}
const lookupPromise = dns.promises.lookup;
dns.promises.lookup = async (host, ...rest) => {
  if (!isLoopback(host)) {
    record("dns.promises.lookup", host);
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), {code: "ENOTFOUND"});
  }
  return lookupPromise(host, ...rest);
};
